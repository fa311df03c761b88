"""Provisioning tokens: hashed, scoped, revocable, audited; SCIM takes nothing else."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.audit import audit_entries
from provisioning.models import ProvisioningToken
from provisioning.services import provisioning_token_create, provisioning_token_revoke
from tests.provisioning.conftest import ScimClient, error_of


def test_a_token_is_stored_only_as_its_hash_and_its_creation_audited(administrator):
    token, secret = provisioning_token_create(
        name="Okta", scopes=["users:read", "users:write"], actor=administrator
    )

    assert secret.startswith("scim_")
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ProvisioningToken.objects.values().get())
    entry = audit_entries().get(action="lms.scim_token.change")
    assert (entry.user, entry.data) == (
        administrator,
        {
            "before": {},
            "after": {"name": "Okta", "scopes": ["users:read", "users:write"], "revoked": False},
            "via": "",
        },
    )


def test_revoked_token_is_refused_and_revocation_audited(scim, scim_token, administrator):
    assert scim.get("/Users").status_code == 200

    assert provisioning_token_revoke(token=scim_token, actor=administrator) is True

    response = scim.get("/Users")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="SCIM"'
    assert error_of(response)["detail"] == "The bearer token is not valid, or has been revoked."
    entry = audit_entries().filter(action="lms.scim_token.change").first()
    assert (entry.data["before"]["revoked"], entry.data["after"]["revoked"]) == (False, True)
    assert provisioning_token_revoke(token=scim_token, actor=administrator) is False


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        (None, "A bearer token is required."),
        ("Basic dXNlcjpwYXNz", "A bearer token is required."),
        ("Bearer ", "A bearer token is required."),
        ("Bearer scim_wrong", "The bearer token is not valid, or has been revoked."),
    ],
)
def test_missing_or_wrong_token_is_a_401(db, authorization, detail):
    headers = {"Authorization": authorization} if authorization else {}

    response = Client().get("/scim/v2/Users", headers=headers)

    assert response.status_code == 401
    assert error_of(response)["detail"] == detail


@pytest.mark.parametrize(
    ("scopes", "method", "path", "status"),
    [
        (["users:read"], "GET", "/Users", 200),
        (["users:read"], "POST", "/Users", 403),
        (["groups:read", "groups:write"], "GET", "/Users", 403),
        (["users:read", "users:write"], "GET", "/Groups", 403),
        (["groups:read"], "POST", "/Groups", 403),
        (["groups:read"], "GET", "/ServiceProviderConfig", 200),
    ],
)
def test_scopes_limit_what_a_token_may_do(db, scopes, method, path, status):
    _, secret = provisioning_token_create(name="Limited", scopes=scopes)

    response = ScimClient(secret).request(method, path, None if method == "GET" else {})

    assert response.status_code == status
    if status == 403:
        assert error_of(response)["detail"].startswith("This token lacks the scope ")


def test_a_signed_in_administrator_without_a_token_gets_a_401(administrator):
    browser = Client()
    browser.force_login(administrator)

    response = browser.get("/scim/v2/Users")

    assert response.status_code == 401
    assert error_of(response)["detail"] == "A bearer token is required."


def test_last_use_is_noted(scim, scim_token):
    assert scim_token.last_used_at is None

    scim.get("/Users")

    scim_token.refresh_from_db()
    assert scim_token.last_used_at is not None


def test_command_prints_a_working_token_once(db):
    out = StringIO()

    call_command("create_scim_token", "Automation", "--scopes", "users:read", stdout=out)

    secret = out.getvalue().strip()
    assert ScimClient(secret).get("/Users").status_code == 200
    assert ProvisioningToken.objects.get(name="Automation").scopes == ["users:read"]


def test_command_refuses_unknown_scopes_and_names_in_use(scim_token):
    with pytest.raises(CommandError, match="Unknown scope users:delete"):
        call_command("create_scim_token", "Other", "--scopes", "users:delete")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_scim_token", scim_token.name)
