"""What every LRS request needs: the negotiated version, the client, the body, the
alternate request syntax, and JSON error responses."""

import base64
import binascii
import contextlib
import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.db import DatabaseError, DataError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt

from xapi.gates import IssuedCredential, credential_gate, issued_credential
from xapi.http.errors import XapiHttpError, bad_request
from xapi.models import LrsClient
from xapi.validation import XapiValidationError
from xapi.validation.json_values import JsonValueError, load_json

SUPPORTED_VERSIONS = {"1.0": "1.0.3", "2.0": "2.0.0"}
HEADER_PARAMETERS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "content-type": "CONTENT_TYPE",
    "content-length": "CONTENT_LENGTH",
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
}


@dataclass
class LrsRequest:
    """An LRS request after the shared checks: who sent it, in which xAPI version, and what."""

    method: str
    version: str
    client: LrsClient
    params: QueryDict
    headers: dict[str, str]
    body: bytes = b""
    content_type: str = ""
    content_params: dict[str, str] = field(default_factory=dict)
    django_request: HttpRequest | None = None
    # Set when the credentials were issued by another app (see xapi.gates), not a client's own.
    credential: IssuedCredential | None = None

    @property
    def is_v2(self) -> bool:
        return self.version.startswith("2.")

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json_body(self, what: str = "the request body") -> Any:
        try:
            return load_json(self.body, what)
        except JsonValueError as error:
            raise bad_request(f"{error}.") from None
        except (UnicodeDecodeError, ValueError):
            raise bad_request(f"{what[0].upper()}{what[1:]} is not valid JSON.") from None


def negotiate_version(value: str | None) -> str:
    if not value:
        raise bad_request("The X-Experience-API-Version header is required.")
    parts = value.strip().split(".")
    major_minor = ".".join(parts[:2])
    if (
        len(parts) in (2, 3)
        and major_minor in SUPPORTED_VERSIONS
        and (len(parts) == 2 or parts[2].isdigit())
    ):
        return SUPPORTED_VERSIONS[major_minor]
    raise bad_request(
        f"xAPI version {value!r} is not supported; use 1.0.x or 2.0.x in X-Experience-API-Version."
    )


def authenticate(authorization: str | None) -> LrsClient:
    return authenticate_credential(authorization)[0]


def authenticate_credential(
    authorization: str | None,
) -> tuple[LrsClient, IssuedCredential | None]:
    """The client a request acts as, and the issued credential it used, if it used one."""
    challenge = {"WWW-Authenticate": 'Basic realm="xAPI"'}
    if not authorization or not authorization.lower().startswith("basic "):
        raise XapiHttpError(401, "Credentials are required (HTTP Basic).", headers=challenge)
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        key, secret = decoded.split(":", 1)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise XapiHttpError(
            401, "The Basic credentials are malformed.", headers=challenge
        ) from None
    # Issued credentials first: their kinds recognise their own keys without a query, and a
    # short-lived session's requests then cost no lookup among the clients.
    credential = issued_credential(key, secret)
    if credential is not None:
        return credential.client, credential
    client = LrsClient.objects.filter(key=key, is_active=True).first()
    if client is None or not _secret_matches(client, secret):
        raise XapiHttpError(401, "The key or secret is wrong.", headers=challenge)
    return client, None


# Secrets are stored with Django's slow password hash; checking it on every request would cap
# ingest at a few requests a second. A verified (key, secret digest) is remembered for a few
# minutes against the stored hash, so a changed secret or a deactivated client takes effect
# at once.
_VERIFIED: dict[tuple[str, str], tuple[str, float]] = {}
_VERIFIED_SECONDS = 300


def _secret_matches(client: LrsClient, secret: str) -> bool:
    digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()
    remembered = _VERIFIED.get((client.key, digest))
    now = time.monotonic()
    if remembered and remembered[0] == client.secret_hash and remembered[1] > now:
        return True
    if not client.check_secret(secret):
        return False
    if len(_VERIFIED) > 10_000:
        _VERIFIED.clear()
    _VERIFIED[(client.key, digest)] = (client.secret_hash, now + _VERIFIED_SECONDS)
    return True


def _read_body(request: HttpRequest) -> bytes:
    limit = settings.XAPI_MAX_BODY_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        if int(declared) > limit:
            raise XapiHttpError(413, f"The request body is larger than {limit} bytes.")
    except ValueError:
        raise bad_request("The Content-Length header is not a number.") from None
    # Read from the stream ourselves: the size is bounded above, and Django's form-size limit
    # is meant for forms, not for statements with attachments.
    body = request.read(limit + 1)
    if len(body) > limit:
        raise XapiHttpError(413, f"The request body is larger than {limit} bytes.")
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    if chunked and not body and not request.META.get("CONTENT_LENGTH"):
        # A WSGI server hands Django no length for a chunked body, so Django reads nothing:
        # say so, rather than calling a well-formed statement "not valid JSON".
        raise XapiHttpError(
            411, "Send the body with a Content-Length header; chunked bodies are not accepted."
        )
    return body


def _parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    main, *rest = value.split(";")
    params = {}
    for item in rest:
        name, _, val = item.strip().partition("=")
        if name:
            params[name.lower()] = val.strip().strip('"')
    return main.strip().lower(), params


def build_lrs_request(request: HttpRequest, *, allow_alternate: bool = True) -> LrsRequest:
    """Apply the alternate request syntax (1.0.3), negotiate the version and authenticate."""
    headers = {
        name: request.META[meta] for name, meta in HEADER_PARAMETERS.items() if meta in request.META
    }
    method = request.method
    params = request.GET.copy()
    body = b""
    if method in ("POST", "PUT", "DELETE"):
        body = _read_body(request)
    if "method" in request.GET:
        if method != "POST":
            raise bad_request("The alternate request syntax must be sent as a POST.")
        if set(request.GET) != {"method"}:
            raise bad_request(
                "With the alternate request syntax, 'method' must be the only query parameter."
            )
        form_type, _ = _parse_content_type(request.META.get("CONTENT_TYPE", ""))
        if form_type != "application/x-www-form-urlencoded":
            raise bad_request(
                "The alternate request syntax needs an application/x-www-form-urlencoded body."
            )
        method = request.GET["method"].upper()
        if method not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
            raise bad_request(f"Unknown method {method!r} in the alternate request syntax.")
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise bad_request("The form body is not UTF-8.") from None
        params = QueryDict(mutable=True)
        # Form fields named like the listed headers stand in for them; the request's own
        # Content-Type described the form, so the content's type comes only from the form.
        headers.pop("content-type", None)
        headers.pop("content-length", None)
        body = b""
        for name, values in form.items():
            lowered = name.lower()
            if lowered in HEADER_PARAMETERS:
                headers[lowered] = values[0]
            elif name == "content":
                body = values[0].encode("utf-8")
            else:
                params.setlist(name, values)
        headers.setdefault("content-type", "application/json")
        alternate = True
    else:
        alternate = False
    try:
        version = negotiate_version(headers.get("x-experience-api-version"))
    except XapiHttpError as error:
        # Answer in the version this client last spoke, if it can be identified.
        with contextlib.suppress(XapiHttpError):
            error.version = authenticate(headers.get("authorization")).last_version
        raise
    if alternate and (not allow_alternate or version.startswith("2.")):
        raise XapiHttpError(
            400, "xAPI 2.0 does not allow the alternate request syntax.", version=version
        )
    client, credential = authenticate_credential(headers.get("authorization"))
    if client.last_version != version:
        LrsClient.objects.filter(pk=client.pk).update(last_version=version)
        client.last_version = version
    _refuse_nul(params)
    content_type, content_params = _parse_content_type(headers.get("content-type", ""))
    return LrsRequest(
        method=method,
        version=version,
        client=client,
        params=params,
        headers=headers,
        body=body,
        content_type=content_type,
        content_params=content_params,
        django_request=request,
        credential=credential,
    )


def _refuse_nul(params: QueryDict) -> None:
    """A NUL in a parameter cannot be stored or compared in PostgreSQL: refuse it up front."""
    for name, values in params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise bad_request(f"The parameter {name!r} holds a NUL character (\\u0000).")


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> HttpResponse:
    response = JsonResponse({"error": {"code": status, "message": message}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def lrs_view(handler: Callable[[LrsRequest], HttpResponse], *, methods: set[str]):
    """Wrap a resource handler with the checks, HEAD support and error handling all share."""

    @csrf_exempt
    @functools.wraps(handler)
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        version = "2.0.0"
        try:
            lrs_request = build_lrs_request(request)
            version = lrs_request.version
            method = "GET" if lrs_request.method == "HEAD" else lrs_request.method
            if method not in methods:
                allowed = methods | {"HEAD"} if "GET" in methods else methods
                raise XapiHttpError(
                    405,
                    f"{lrs_request.method} is not allowed here.",
                    headers={"Allow": ", ".join(sorted(allowed))},
                )
            lrs_request.method = method
            resource = getattr(handler, "kind", None) or getattr(handler, "__name__", "")
            after = credential_gate(lrs_request, resource)
            response = handler(lrs_request, *args, **kwargs)
            if after is not None and response.status_code < 300:
                after()
            if request.method == "HEAD":
                response.content = b""
        except XapiHttpError as error:
            response = error_response(error.status, error.message, error.headers)
            version = error.version or version
        except XapiValidationError as error:
            response = error_response(400, str(error))
        except DataError:
            # The database refused a value the checks let through: the request, not the
            # store, is at fault, and a retry would fail the same way.
            response = error_response(400, "The request holds a value that cannot be stored.")
        except DatabaseError:
            response = error_response(503, "The record store is busy; try again.")
        response["X-Experience-API-Version"] = version
        return response

    return view
