"""Staff of a provider's email domains never get a local password; the sign-in page offers the
provider instead."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from identity.models import IdentityProvider
from tests.factories import PASSWORD, make_person
from tests.html import texts
from tests.identity.oidc import identity_provider_create

pytestmark = pytest.mark.django_db

REFUSAL = (
    "Staff with an @city.example.gov email address sign in with City Council sign-in. "
    "They do not have a password on this service."
)
# The page names the provider's sign-in, linked, beside the refusal.
PROVIDER_LINK = (
    "//main//div[contains(@class, 'govuk-inset-text')]//a[@href='/accounts/oidc/city/login/']"
)


@pytest.fixture
def city_provider(db):
    return identity_provider_create(
        "http://127.0.0.1:9", email_domains="city.example.gov, city.gov"
    )


def test_signup_with_a_provider_domain_is_refused_with_a_link_to_the_provider(
    client, city_provider
):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Ann",
            "email": "Ann@City.Example.Gov",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [REFUSAL]}
    assert texts(response.content, PROVIDER_LINK) == ["Sign in with City Council sign-in"]
    assert texts(response.content, "//p[contains(@class, 'govuk-error-message')]") == [
        f"Error: {REFUSAL}"
    ]
    assert texts(response.content, "//div[contains(@class, 'govuk-error-summary')]//li") == [
        REFUSAL
    ]
    assert not User.objects.filter(email="ann@city.example.gov").exists()
    assert mail.outbox == []


def test_password_sign_in_is_refused_even_for_an_account_with_a_password(client, city_provider):
    make_person(email="ann@city.example.gov")

    response = client.post(
        reverse("account_login"), {"login": "ann@city.example.gov", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [REFUSAL]
    assert texts(response.content, PROVIDER_LINK) == ["Sign in with City Council sign-in"]
    assert texts(response.content, "//div[contains(@class, 'govuk-error-summary')]//li") == [
        REFUSAL
    ]
    assert "_auth_user_id" not in client.session


def test_password_reset_for_a_provider_domain_is_refused_and_sends_nothing(client, city_provider):
    make_person(email="ann@city.gov")

    response = client.post(reverse("account_reset_password"), {"email": "ann@city.gov"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": [REFUSAL.replace("@city.example.gov", "@city.gov")]
    }
    assert mail.outbox == []


def test_setting_a_password_is_refused_for_an_account_of_a_provider_domain(client, city_provider):
    ann = User.objects.create_user(email="ann@city.example.gov", first_name="Ann")
    client.force_login(ann)

    response = client.post(
        reverse("account_set_password"),
        {
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )

    ann.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {"password1": [REFUSAL]}
    assert ann.has_usable_password() is False


def test_other_domains_and_disabled_providers_keep_their_passwords(client, city_provider):
    make_person(email="dee@parks.example.gov")
    make_person(email="ann@city.example.gov")
    IdentityProvider.objects.filter(pk=city_provider.pk).update(enabled=False)

    signed_in = []
    for email in ("dee@parks.example.gov", "ann@city.example.gov"):
        response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
        user_id = client.session.get("_auth_user_id")
        signed_in.append((response.status_code, response.url, User.objects.get(pk=user_id).email))
        client.logout()

    assert signed_in == [
        (302, "/", "dee@parks.example.gov"),
        (302, "/", "ann@city.example.gov"),
    ]


def test_sign_in_page_has_a_post_button_for_each_enabled_provider(client, city_provider):
    identity_provider_create("http://127.0.0.1:9", slug="parks", name="Parks sign-in")
    identity_provider_create("http://127.0.0.1:9", slug="old", name="Old sign-in", enabled=False)

    page = client.get(reverse("account_login")).content.decode()
    forms = re.findall(
        r'<form method="post" action="([^"]+)">\s*<input[^>]+>\s*<button[^>]*>([^<]+)<', page
    )

    assert forms == [
        ("/accounts/oidc/city/login/?process=login", "Sign in with City Council sign-in"),
        ("/accounts/oidc/parks/login/?process=login", "Sign in with Parks sign-in"),
    ]


def test_sign_in_page_without_providers_shows_only_the_password_form(client):
    page = client.get(reverse("account_login")).content.decode()

    assert "With your organisation" not in page
    assert 'action="/accounts/login/"' in page
