"""The CMS screens for identity providers: the secret is write-only and every change is audited."""

import pytest
from wagtail.models import ModelLogEntry

from identity.models import IdentityProvider
from identity.oidc import client_secret_decrypt
from tests.html import texts

PROVIDERS = "/cms/snippets/identity/identityprovider/"


def provider_form(**overrides) -> dict:
    form = {
        "name": "City Council sign-in",
        "slug": "city",
        "protocol": "openid_connect",
        "enabled": "on",
        "email_domains": "city.example.gov",
        "issuer_url": "https://login.city.example.gov",
        "client_id": "learning-platform",
        "client_secret": "first-client-secret",
        "metadata_url": "",
        "entity_id": "",
        "sso_url": "",
        "x509_certificate": "",
        "email_claim": "email",
        "given_name_claim": "given_name",
        "family_name_claim": "family_name",
        "department_claim": "department",
        "job_role_claim": "job_role",
        "line_manager_claim": "manager_employee_number",
        "employee_number_claim": "employee_number",
        "trusted_mfa_values": "mfa",
    }
    return {**form, **overrides}


def trail() -> list[tuple]:
    return [
        (entry.user_id, entry.data["before"], entry.data["after"], entry.data["via"])
        for entry in ModelLogEntry.objects.filter(action="lms.identity_provider.change").order_by(
            "pk"
        )
    ]


@pytest.mark.django_db
def test_administrator_adds_a_provider_whose_secret_is_stored_encrypted_and_never_shown(
    client, administrator
):
    client.force_login(administrator)

    created = client.post(f"{PROVIDERS}add/", provider_form())
    provider = IdentityProvider.objects.get(slug="city")
    edit_page = client.get(f"{PROVIDERS}edit/{provider.pk}/").content.decode()

    assert created.status_code == 302
    assert client_secret_decrypt(provider.client_secret_encrypted) == "first-client-secret"
    assert "first-client-secret" not in provider.client_secret_encrypted
    assert 'name="client_secret"' in edit_page
    assert "first-client-secret" not in edit_page
    assert provider.client_secret_encrypted not in edit_page
    [(actor, before, after, via)] = trail()
    assert (actor, before, via) == (administrator.pk, {}, "CMS")
    assert after["client_secret"] == "changed"
    assert (after["slug"], after["issuer_url"], after["email_domains"]) == (
        "city",
        "https://login.city.example.gov",
        "city.example.gov",
    )
    assert "first-client-secret" not in str(trail())


@pytest.mark.django_db
def test_editing_without_a_secret_keeps_it_and_the_trail_shows_what_changed(client, administrator):
    client.force_login(administrator)
    client.post(f"{PROVIDERS}add/", provider_form())
    provider = IdentityProvider.objects.get(slug="city")

    edited = client.post(
        f"{PROVIDERS}edit/{provider.pk}/",
        provider_form(client_secret="", department_claim="org_unit"),
    )

    provider.refresh_from_db()
    assert edited.status_code == 302
    assert client_secret_decrypt(provider.client_secret_encrypted) == "first-client-secret"
    _, before, after, _ = trail()[-1]
    assert {key for key in after if before.get(key) != after[key]} == {"department_claim"}
    assert (before["department_claim"], after["department_claim"]) == ("department", "org_unit")
    assert after["client_secret"] == "set"


@pytest.mark.django_db
def test_an_openid_provider_without_issuer_client_or_secret_is_refused(client, administrator):
    client.force_login(administrator)

    response = client.post(
        f"{PROVIDERS}add/",
        provider_form(issuer_url="", client_id="", client_secret="", email_domains="not a domain"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert texts(html, "//*[contains(@id, '-issuer_url-errors')]//p") == [
        "Enter the issuer, for example https://login.city.example.gov."
    ]
    assert texts(html, "//*[contains(@id, '-client_id-errors')]//p") == [
        "Enter the client ID the identity provider gave this service."
    ]
    assert texts(html, "//*[contains(@id, '-client_secret-errors')]//p") == [
        "Enter the client secret the identity provider gave."
    ]
    assert texts(html, "//*[contains(@id, '-email_domains-errors')]//p") == [
        "List email domains separated by commas, for example city.example.gov, parks.example.gov."
    ]
    assert len(texts(html, "//p[contains(@class, 'error-message')]")) == 4
    assert not IdentityProvider.objects.exists()
    assert trail() == []


@pytest.mark.django_db
def test_deleting_a_provider_is_audited(client, administrator):
    client.force_login(administrator)
    client.post(f"{PROVIDERS}add/", provider_form())
    provider = IdentityProvider.objects.get(slug="city")

    response = client.post(f"{PROVIDERS}delete/{provider.pk}/")

    assert response.status_code == 302
    assert not IdentityProvider.objects.exists()
    _, before, after, via = trail()[-1]
    assert (before["slug"], after, via) == ("city", {}, "CMS")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("learner", (403, None)),
        ("department_lead", (403, None)),
        ("cto_office", (403, None)),
        # In the CMS for courses, but Wagtail sends them back to its dashboard.
        ("training_lead", (302, "/cms/")),
    ],
)
def test_only_administrators_reach_the_provider_screens(client, people, person, expected):
    client.force_login(people[person])

    response = client.get(PROVIDERS)

    assert (response.status_code, getattr(response, "url", None)) == expected


@pytest.mark.django_db
def test_saml_provider_without_its_identity_provider_details_is_refused_field_by_field(
    client, administrator
):
    client.force_login(administrator)

    response = client.post(
        f"{PROVIDERS}add/",
        provider_form(
            protocol="saml",
            slug="city-saml",
            issuer_url="",
            client_id="",
            client_secret="",
            x509_certificate="not a certificate",
        ),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert sorted(errors) == ["entity_id", "sso_url", "x509_certificate"]
    assert not IdentityProvider.objects.filter(slug="city-saml").exists()
    assert trail() == []


@pytest.mark.django_db
def test_saml_provider_is_refused_when_the_server_cannot_check_saml_signatures(
    client, administrator, settings
):
    settings.SAML_SIGN_IN_UNAVAILABLE = "the xmlsec library could not be loaded"
    client.force_login(administrator)

    response = client.post(
        f"{PROVIDERS}add/",
        provider_form(protocol="saml", slug="city-saml", metadata_url="https://idp.example/m"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["protocol"] == [
        "SAML sign-in is not available on this server: the xmlsec library could not be loaded"
    ]
    assert not IdentityProvider.objects.filter(slug="city-saml").exists()
