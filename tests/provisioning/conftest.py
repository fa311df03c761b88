"""SCIM fixtures: a token with every scope, and a client that speaks SCIM JSON with it."""

import json

import pytest
from django.test import Client

from provisioning.models import TokenScope
from provisioning.services import provisioning_token_create
from tests.factories import DepartmentFactory, JobRoleFactory

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class ScimClient:
    """Django's test client, with a bearer token and SCIM JSON bodies."""

    def __init__(self, secret: str | None, client: Client | None = None):
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def request(self, method: str, path: str, body=None, raw: bytes | None = None, **params):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"headers": self.headers}
        if data is not None:
            kwargs.update(data=data, content_type="application/scim+json")
        if params:
            kwargs["query_params"] = params
        return getattr(self.client, method.lower())(f"/scim/v2{path}", **kwargs)

    def get(self, path, **params):
        return self.request("GET", path, **params)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request("PUT", path, body, **kwargs)

    def patch(self, path, *operations, **kwargs):
        return self.request("PATCH", path, {"schemas": [PATCH_OP], "Operations": list(operations)})

    def delete(self, path):
        return self.request("DELETE", path)


@pytest.fixture
def scim_token(db):
    token, secret = provisioning_token_create(name="Entra ID", scopes=TokenScope.values)
    token.secret = secret
    return token


@pytest.fixture
def scim(scim_token):
    return ScimClient(scim_token.secret)


@pytest.fixture
def finance(db):
    return DepartmentFactory(code="FIN", name="Finance, Revenue and Procurement")


@pytest.fixture
def analyst(db):
    return JobRoleFactory(code="data-analyst", name="Data analyst")


def user_body(user_name="ana@city.example.gov", **extra):
    body = {
        "schemas": [USER],
        "userName": user_name,
        "name": {"givenName": "Ana", "familyName": "Silva"},
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "active": True,
    }
    body.update(extra)
    return body


def error_of(response) -> dict:
    """The SCIM error a response carries, checked to be one."""
    body = response.json()
    assert response["Content-Type"] == "application/scim+json"
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(response.status_code)
    return body
