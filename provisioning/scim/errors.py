"""SCIM errors (RFC 7644 §3.12): raised anywhere below a view, answered as SCIM JSON."""

import json

from django.http import HttpResponse

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_CONTENT_TYPE = "application/scim+json"


class ScimError(Exception):
    """An answer other than success: its HTTP status, SCIM error type and a readable detail."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def invalid_syntax(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidSyntax")


def not_found(detail: str = "No such resource.") -> ScimError:
    return ScimError(404, detail)


def scim_response(body: dict | None, status: int = 200, headers: dict | None = None):
    response = HttpResponse(
        b"" if body is None else json.dumps(body).encode(),
        status=status,
        content_type=SCIM_CONTENT_TYPE if body is not None else None,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: ScimError) -> HttpResponse:
    body = {"schemas": [ERROR_SCHEMA], "status": str(error.status), "detail": error.detail}
    if error.scim_type:
        body["scimType"] = error.scim_type
    headers = {"WWW-Authenticate": 'Bearer realm="SCIM"'} if error.status == 401 else None
    return scim_response(body, status=error.status, headers=headers)
