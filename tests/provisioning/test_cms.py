"""The CMS screens for SCIM tokens: create (shown once), list, revoke; administrators only."""

import re

import pytest
from django.test import Client

from accounts.audit import audit_entries
from provisioning.models import ProvisioningToken
from tests.html import texts
from tests.provisioning.conftest import ScimClient

ADD_URL = "/cms/snippets/provisioning/provisioningtoken/add/"


def signed_in(person) -> Client:
    browser = Client()
    browser.force_login(person)
    return browser


def test_administrator_creates_a_token_and_sees_it_once(administrator, settings):
    browser = signed_in(administrator)

    response = browser.post(ADD_URL, {"name": "Entra ID", "scopes": ["users:read", "users:write"]})

    assert response.status_code == 200
    secret = re.search(r'value="(scim_[^"]+)"', response.content.decode()).group(1)
    assert f"{settings.SITE_URL}/scim/v2/" in response.content.decode()
    token = ProvisioningToken.objects.get()
    assert (token.name, token.scopes, token.created_by) == (
        "Entra ID",
        ["users:read", "users:write"],
        administrator,
    )
    assert ScimClient(secret).get("/Users").status_code == 200
    listing = browser.get("/cms/snippets/provisioning/provisioningtoken/").content.decode()
    assert texts(listing, "//main//table//tr[1]/th") == [
        "",
        "Name",
        "Scopes",
        "Created by",
        "Created",
        "Last used",
        "Revoked",
    ]
    assert texts(listing, "//main//table//tr[td]/*[position() > 1 and position() <= 4]") == [
        "Entra ID Edit",
        "users:read, users:write",
        administrator.get_full_name(),
    ]
    assert secret not in listing
    entry = audit_entries().get(action="lms.scim_token.change")
    assert (entry.user, entry.data["via"]) == (administrator, "CMS")


def test_a_token_name_in_use_is_a_form_error(administrator, scim_token):
    response = signed_in(administrator).post(
        ADD_URL, {"name": scim_token.name, "scopes": ["users:read"]}
    )

    assert response.status_code == 200
    assert ProvisioningToken.objects.count() == 1
    assert texts(response.content, "//*[contains(@id, '-name-errors')]//p") == [
        "SCIM provisioning token with this Name already exists."
    ]


def test_administrator_revokes_a_token(administrator, scim_token):
    url = f"/cms/snippets/provisioning/provisioningtoken/edit/{scim_token.pk}/"

    response = signed_in(administrator).post(url, {"revoke": "on"})

    assert response.status_code == 302
    scim_token.refresh_from_db()
    assert scim_token.revoked_at is not None
    assert ScimClient(scim_token.secret).get("/Users").status_code == 401
    entry = audit_entries().filter(action="lms.scim_token.change").first()
    assert (entry.user, entry.data["after"]["revoked"]) == (administrator, True)


@pytest.mark.parametrize(
    ("persona", "answer"),
    [
        ("learner", 403),
        # Wagtail sends people who use the CMS, but lack this permission, to its dashboard.
        ("training_lead", "/cms/"),
        ("department_lead", 403),
        ("cto_office", 403),
    ],
)
def test_other_roles_cannot_reach_the_token_screens(people, persona, answer):
    response = signed_in(people[persona]).get(ADD_URL)

    assert (response.url if response.status_code == 302 else response.status_code) == answer
    assert ProvisioningToken.objects.count() == 0
