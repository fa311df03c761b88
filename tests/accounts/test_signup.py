"""Signing up: a name, a work email and a strong password; nothing half-created on bad input."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests.factories import make_person
from tests.html import heading, texts

GOOD = {
    "first_name": "Noor",
    "last_name": "Haddad",
    "email": "noor.haddad@example.org",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
}


def signup(client, **changes):
    return client.post(reverse("account_signup"), {**GOOD, **changes})


@pytest.mark.django_db
def test_signup_creates_an_unverified_learner_and_sends_a_confirmation_link(client):
    response = signup(client)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="noor.haddad@example.org")
    assert (user.first_name, user.last_name) == ("Noor", "Haddad")
    assert list(user.groups.values_list("name", flat=True)) == [Role.LEARNER]
    address = EmailAddress.objects.get(user=user)
    assert address.verified is False
    assert address.primary is True
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["noor.haddad@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_signup_lowercases_the_email_address(client):
    signup(client, email="Noor.Haddad@Example.ORG")

    assert User.objects.filter(email="noor.haddad@example.org").count() == 1


@pytest.mark.django_db
def test_unverified_person_cannot_sign_in_until_they_confirm(client):
    signup(client)
    client.logout()

    response = client.post(
        reverse("account_login"),
        {"login": GOOD["email"], "password": GOOD["password1"]},
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_confirmation_link_verifies_the_address_and_signs_in(client):
    signup(client)
    key = re.search(r"/accounts/confirm-email/([^/]+)/", mail.outbox[0].body).group(1)

    page = client.get(reverse("account_confirm_email", args=[key]))
    assert page.status_code == 200
    response = client.post(reverse("account_confirm_email", args=[key]))

    assert response.status_code == 302
    assert EmailAddress.objects.get(email=GOOD["email"]).verified is True
    assert client.session["_auth_user_id"] == str(User.objects.get(email=GOOD["email"]).pk)


@pytest.mark.django_db
def test_tampered_confirmation_link_verifies_nothing(client):
    signup(client)
    key = re.search(r"/accounts/confirm-email/([^/]+)/", mail.outbox[0].body).group(1)
    tampered = key[:-3] + ("aaa" if not key.endswith("aaa") else "bbb")

    page = client.get(reverse("account_confirm_email", args=[tampered]))
    response = client.post(reverse("account_confirm_email", args=[tampered]))

    assert page.status_code == 200
    assert heading(page.content) == "Confirm your email address"
    assert texts(page.content, "//main//h1/following-sibling::p") == [
        "This confirmation link has expired or is not valid.",
        "Ask for a new confirmation email.",
    ]
    assert response.status_code == 404
    assert EmailAddress.objects.get(email=GOOD["email"]).verified is False


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"email": "not-an-email"},
            "email",
            "Enter an email address in the correct format, like name@example.org",
        ),
        ({"email": ""}, "email", "Enter your work email address"),
        ({"first_name": ""}, "first_name", "Enter your given name"),
        (
            {"password1": "short", "password2": "short"},
            "password1",
            "This password is too short. It must contain at least 12 characters.",
        ),
        (
            {"password1": "password1234", "password2": "password1234"},
            "password1",
            "This password is too common.",
        ),
        (
            {"password2": "a-different-passphrase"},
            "password2",
            "Enter the same password in both fields",
        ),
    ],
)
@pytest.mark.django_db
def test_signup_with_bad_input_explains_and_creates_nothing(client, changes, field, message):
    response = signup(client, **changes)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    html = response.content.decode()
    summary = "//div[contains(@class, 'govuk-error-summary')]"
    assert texts(html, f"{summary}//h2") == ["There is a problem"]
    assert texts(html, f"{summary}//li") == [message]
    assert texts(html, f"{summary}//a[@href='#id_{field}']") == [message]
    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_signup_with_an_email_already_in_use_says_so_and_creates_nothing(client):
    existing = make_person(email="taken@example.org")

    response = signup(client, email="TAKEN@example.org")

    assert response.status_code == 200
    assert (
        "An account already uses this email address. Sign in, or reset your password "
        "if you have forgotten it." in response.context["form"].errors["email"][0]
    )
    assert list(User.objects.values_list("pk", flat=True)) == [existing.pk]


@pytest.mark.django_db
def test_signup_restricted_to_allowed_domains(client, settings):
    settings.ACCOUNT_ALLOWED_SIGNUP_DOMAINS = ["city.example.gov"]

    refused = signup(client, email="someone@gmail.example")
    accepted = signup(client, email="someone@city.example.gov")

    assert refused.status_code == 200
    assert "Use your work email address" in refused.context["form"].errors["email"][0]
    assert accepted.status_code == 302
    assert list(User.objects.values_list("email", flat=True)) == ["someone@city.example.gov"]
