"""Identity providers from the environment (IDENTITY_PROVIDERS_JSON): all or nothing, audited."""

import json

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from identity.models import IdentityProvider
from identity.oidc import client_secret_decrypt

CITY = {
    "slug": "city",
    "name": "City Council sign-in",
    "protocol": "openid_connect",
    "issuer_url": "https://login.city.example.gov",
    "client_id": "learning-platform",
    "client_secret": "env-secret-1",
    "email_domains": "city.example.gov",
    "department_claim": "org_unit",
}


def load(settings, entries) -> None:
    settings.IDENTITY_PROVIDERS_JSON = entries if isinstance(entries, str) else json.dumps(entries)
    call_command("load_identity_providers")


def trail() -> list[tuple]:
    entries = ModelLogEntry.objects.filter(action="lms.identity_provider.change").order_by("pk")
    return [(entry.data["via"], entry.data["after"].get("client_secret")) for entry in entries]


@pytest.mark.django_db
def test_loading_creates_the_provider_and_a_second_load_changes_nothing(settings):
    load(settings, [CITY])
    load(settings, [CITY])

    provider = IdentityProvider.objects.get()
    assert (provider.slug, provider.department_claim, provider.job_role_claim) == (
        "city",
        "org_unit",
        "job_role",
    )
    assert client_secret_decrypt(provider.client_secret_encrypted) == "env-secret-1"
    assert trail() == [("environment", "changed")]


@pytest.mark.django_db
def test_a_new_secret_is_audited_as_changed_without_its_value(settings):
    load(settings, [CITY])
    load(settings, [{**CITY, "client_secret": "env-secret-2"}])

    assert trail() == [("environment", "changed"), ("environment", "changed")]
    assert "env-secret" not in json.dumps(
        list(ModelLogEntry.objects.values_list("data", flat=True))
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ("[{", "Identity providers: not valid JSON"),
        ('{"slug": "city"}', "Identity providers: give a JSON list of objects."),
        ([{**CITY, "slug": ""}], "Identity provider 1 (no slug): give a slug."),
        (
            [CITY, {**CITY, "slug": "parks", "client_id": ""}],
            "Identity provider 2 (parks): client_id: Enter the client ID the identity provider "
            "gave this service.",
        ),
        (
            [{**CITY, "colour": "blue"}],
            "Identity provider 1 (city): Unknown identity provider settings: colour",
        ),
        (
            [{**CITY, "protocol": "kerberos"}],
            "Identity provider 1 (city): protocol: Value 'kerberos' is not a valid choice.",
        ),
    ],
)
def test_a_bad_entry_is_refused_with_its_place_and_nothing_is_written(settings, entries, message):
    with pytest.raises(CommandError) as refused:
        load(settings, entries)

    assert str(refused.value).startswith(message)
    assert not IdentityProvider.objects.exists()
    assert trail() == []
