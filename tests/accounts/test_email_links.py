"""Links in emails are built from SITE_URL, never from the Host header of the request that
caused the email (whoever asks for a password reset chooses that header)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from tests.courses.drafts import draft_course, submit
from tests.factories import make_person
from tests.html import texts

SITE = "https://learn.example.gov"
LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def evil_host(settings):
    """A host the site answers to that is not its address: the attacker's choice of header."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    settings.SITE_URL = SITE
    return "evil.example"


def whole_text(message) -> str:
    alternatives = [content for content, _ in getattr(message, "alternatives", [])]
    return "\n".join([message.subject, message.body, *alternatives])


def links_in(message) -> list[str]:
    return LINK.findall(whole_text(message))


@pytest.mark.django_db
def test_a_password_reset_asked_for_on_another_host_links_to_the_site(client, evil_host):
    make_person(email="amina@example.org")

    response = client.post(
        reverse("account_reset_password"), {"email": "amina@example.org"}, HTTP_HOST=evil_host
    )

    assert response.status_code == 302
    [message] = mail.outbox
    [link, signature] = links_in(message)
    assert re.fullmatch(rf"{SITE}/accounts/password/reset/key/[^/\s]+/", link)
    assert signature == SITE
    assert "evil.example" not in whole_text(message)
    assert "learn.example.gov" in message.body  # the site it names is the site's own


@pytest.mark.django_db
def test_a_signup_on_another_host_sends_a_confirmation_link_to_the_site(client, evil_host):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Noor",
            "last_name": "Haddad",
            "email": "noor.haddad@example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
        HTTP_HOST=evil_host,
    )

    assert response.status_code == 302
    [message] = mail.outbox
    [link, signature] = links_in(message)
    assert re.fullmatch(rf"{SITE}/accounts/confirm-email/[^/\s]+/", link)
    assert signature == SITE
    assert "evil.example" not in whole_text(message)
    # The link's path is the one the site serves: the page that confirms this address.
    page = client.get(link.removeprefix(SITE))
    assert page.status_code == 200
    assert texts(page.content, "//main//h1") == ["Confirm your email address"]
    assert texts(page.content, "//main//h1/following-sibling::p") == [
        "Confirm that noor.haddad@example.org is your email address."
    ]


@pytest.mark.django_db
def test_a_confirmation_sent_again_from_another_host_links_to_the_site(client, evil_host):
    person = make_person(email="amina@example.org", verified=False)
    client.force_login(person)

    response = client.post(
        reverse("account_email"),
        {"action_send": "", "email": "amina@example.org"},
        HTTP_HOST=evil_host,
    )

    assert response.status_code == 302
    [message] = mail.outbox
    assert [link.startswith(f"{SITE}/accounts/confirm-email/") for link in links_in(message)] == [
        True,
        False,  # the signature: the site's own address
    ]
    assert links_in(message)[1] == SITE
    assert "evil.example" not in whole_text(message)


@pytest.mark.django_db
def test_the_cms_builds_links_in_its_review_emails_from_the_site_url(settings, training_lead):
    # Wagtail's notifications read WAGTAILADMIN_BASE_URL, which the settings set to SITE_URL.
    assert settings.WAGTAILADMIN_BASE_URL == settings.SITE_URL
    reviewer = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])

    submit(draft_course(training_lead), training_lead)

    [message] = [m for m in mail.outbox if m.to == [reviewer.email]]
    links = links_in(message)
    assert len(links) == 3  # preview, edit and notification preferences
    assert all(link.startswith(f"{settings.SITE_URL}/cms/") for link in links)
