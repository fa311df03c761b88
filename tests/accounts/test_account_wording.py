"""Account pages and emails speak in the service's voice: sentence case, UK English, plain
words, and emails signed with the service's name and address."""

import re

import lxml.html
import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, make_person
from tests.mfa import activate_totp

SITE = "https://learn.example.gov"
TITLE_END = " \N{EN DASH} Digital Capacity Academy"
SIGNUP = {
    "first_name": "Noor",
    "last_name": "Haddad",
    "email": "noor.haddad@example.org",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
}


@pytest.fixture(autouse=True)
def site_address(settings):
    settings.SITE_URL = SITE
    settings.SERVICE_NAME = "Digital Capacity Academy"
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Digital Capacity Academy] "


def heading_and_title(response) -> tuple[str, str]:
    assert response.status_code == 200
    document = lxml.html.fromstring(response.content.decode())
    [heading] = document.xpath("//h1")
    return heading.text_content().strip(), document.findtext(".//title").strip()


def buttons(response) -> list[str]:
    document = lxml.html.fromstring(response.content.decode())
    return [" ".join(button.text_content().split()) for button in document.xpath("//main//button")]


def link_in(body: str, path: str) -> str:
    return re.search(rf"{SITE}{path}[^\s]+/", body)[0]


@pytest.mark.django_db
def test_the_confirmation_email_asks_in_plain_words_and_is_signed_by_the_service(client):
    client.post(reverse("account_signup"), SIGNUP)

    [message] = mail.outbox
    link = link_in(message.body, "/accounts/confirm-email/")
    assert message.subject == "[Digital Capacity Academy] Confirm your email address"
    assert message.body == (
        "Hello,\n\n"
        "Someone gave this email address for an account on Digital Capacity Academy. "
        "If it was you, confirm your email address:\n"
        f"{link}\n\n"
        "If it was not you, you do not need to do anything.\n\n"
        "Digital Capacity Academy\n"
        f"{SITE}"
    )


@pytest.mark.django_db
def test_the_password_reset_email_asks_in_plain_words_and_is_signed_by_the_service(client):
    make_person(email="amina@example.org")

    client.post(reverse("account_reset_password"), {"email": "amina@example.org"})

    [message] = mail.outbox
    link = link_in(message.body, "/accounts/password/reset/key/")
    assert message.subject == "[Digital Capacity Academy] Reset your password"
    assert message.body == (
        "Hello,\n\n"
        "Someone asked to reset the password of your account. "
        "If it was you, choose a new password:\n"
        f"{link}\n\n"
        "The link works once. If you did not ask to reset your password, you do not need to "
        "do anything: your password has not changed.\n\n"
        "Digital Capacity Academy\n"
        f"{SITE}"
    )


@pytest.mark.django_db
def test_a_changed_password_is_reported_by_email_with_where_the_change_came_from(client, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client.force_login(make_person(email="amina@example.org"))

    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-unusual-phrase",
            "password2": "a-new-unusual-phrase",
        },
        HTTP_USER_AGENT="Test browser",
    )

    [message] = mail.outbox
    assert message.subject == "[Digital Capacity Academy] Your password has changed"
    lines = message.body.splitlines()
    assert lines[:3] == ["Hello,", "", "The password of your account has changed."]
    assert lines[4].startswith("When: ")
    assert lines[5:] == [
        "From IP address: 127.0.0.1",
        "Browser: Test browser",
        "",
        "If you did not make this change, reset your password now from the sign-in page and "
        "tell your administrator.",
        "",
        "Digital Capacity Academy",
        SITE,
    ]


@pytest.mark.django_db
def test_signing_up_and_confirming_pages_are_in_sentence_case(client):
    client.post(reverse("account_signup"), SIGNUP)
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.outbox[0].body)[1]

    sent = client.get(reverse("account_email_verification_sent"))
    confirm = client.get(reverse("account_confirm_email", args=[key]))
    broken = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))

    assert heading_and_title(sent) == (
        "Check your email",
        "Check your email" + TITLE_END,
    )
    assert heading_and_title(confirm)[0] == "Confirm your email address"
    assert buttons(confirm) == ["Confirm email address"]
    assert "This confirmation link has expired or is not valid." in broken.content.decode()


@pytest.mark.django_db
def test_password_reset_pages_are_in_sentence_case(client):
    make_person(email="amina@example.org")
    client.post(reverse("account_reset_password"), {"email": "amina@example.org"})
    link = link_in(mail.outbox[0].body, "/accounts/password/reset/key/").removeprefix(SITE)

    done = client.get(reverse("account_reset_password_done"))
    choose = client.get(client.get(link).url)
    broken = client.get(reverse("account_reset_password_from_key", args=["x", "not-a-key"]))
    finished = client.get(reverse("account_reset_password_from_key_done"))

    assert heading_and_title(done)[0] == "Check your email"
    assert heading_and_title(choose)[0] == "Choose a new password"
    assert buttons(choose) == ["Save new password", "Cancel"]
    assert heading_and_title(broken) == (
        "This link has expired",
        "This link has expired" + TITLE_END,
    )
    assert heading_and_title(finished)[0] == "Your password has been changed"


@pytest.mark.django_db
def test_account_management_pages_are_in_sentence_case(client):
    person = make_person(email="amina@example.org")
    client.force_login(person)

    email = client.get(reverse("account_email"))
    change = client.get(reverse("account_change_password"))
    sign_out = client.get(reverse("account_logout"))
    confirm_it_is_you = client.get(reverse("account_reauthenticate"))

    assert heading_and_title(email) == (
        "Your email addresses",
        "Your email addresses" + TITLE_END,
    )
    assert buttons(email) == [
        "Make this your main address",
        "Send the confirmation email again",
        "Remove",
        "Add email address",
    ]
    assert heading_and_title(change)[0] == "Change your password"
    assert buttons(change) == ["Save new password"]
    assert heading_and_title(sign_out)[0] == "Sign out"
    assert heading_and_title(confirm_it_is_you)[0] == "Confirm it is you"
    assert buttons(confirm_it_is_you) == ["Continue"]


@pytest.mark.django_db
def test_a_person_without_a_password_is_asked_to_set_one(client):
    person = make_person(email="amina@example.org")
    person.set_unusable_password()
    person.save()
    client.force_login(person)

    page = client.get(reverse("account_set_password"))

    assert heading_and_title(page)[0] == "Set a password"
    assert buttons(page) == ["Save password"]


@pytest.mark.django_db
def test_two_factor_pages_are_in_sentence_case(client):
    person = make_person(email="amina@example.org")
    activate_totp(person)

    client.post(reverse("account_login"), {"login": "amina@example.org", "password": PASSWORD})
    sign_in_code = client.get(reverse("mfa_authenticate"))
    client.force_login(person)
    overview = client.get(reverse("mfa_index"))

    assert heading_and_title(sign_in_code)[0] == "Enter your security code"
    assert buttons(sign_in_code) == ["Sign in", "Cancel"]
    assert heading_and_title(overview) == (
        "Two-factor authentication",
        "Two-factor authentication" + TITLE_END,
    )
    assert "Remove authenticator app" in overview.content.decode()


@pytest.mark.django_db
def test_messages_after_account_changes_are_in_plain_words(client):
    client.force_login(make_person(email="amina@example.org"))

    changed = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-unusual-phrase",
            "password2": "a-new-unusual-phrase",
        },
        follow=True,
    )
    added = client.post(
        reverse("account_email"),
        {"action_add": "", "email": "amina.other@example.org"},
        follow=True,
    )
    kept = client.post(
        reverse("account_email"),
        {"action_remove": "", "email": "amina@example.org"},
        follow=True,
    )
    signed_out = client.post(reverse("account_logout"), follow=True)

    assert [str(m) for m in changed.context["messages"]] == ["Your password has been changed."]
    assert [str(m) for m in added.context["messages"]] == [
        "We have sent a confirmation email to amina.other@example.org."
    ]
    assert [str(m) for m in kept.context["messages"]] == [
        "You cannot remove your main email address (amina@example.org). "
        "Make another address your main one first."
    ]
    assert [str(m) for m in signed_out.context["messages"]] == ["You have signed out."]


@pytest.mark.django_db
def test_organisation_sign_in_pages_are_in_sentence_case(client):
    cancelled = client.get(reverse("socialaccount_login_cancelled"))
    client.force_login(make_person(email="amina@example.org"))
    connections = client.get(reverse("socialaccount_connections"))

    assert heading_and_title(cancelled) == (
        "You did not sign in",
        "You did not sign in" + TITLE_END,
    )
    assert heading_and_title(connections)[0] == "Your organisation sign-in"
    assert (
        "Your account is not linked to an organisation account. "
        "You sign in with your email address and password." in connections.content.decode()
    )


def fields(response) -> list[tuple[str, str]]:
    """Each form field's label and hint, as people read them."""
    assert response.status_code == 200
    document = lxml.html.fromstring(response.content.decode())
    found = []
    for control in document.xpath("//main//input[@id][not(@type='hidden')]"):
        [label] = document.xpath(f"//label[@for='{control.get('id')}']")
        hints = [
            " ".join(document.get_element_by_id(hint_id).text_content().split())
            for hint_id in (control.get("aria-describedby") or "").split()
            if "hint" in hint_id
        ]
        found.append((" ".join(label.text_content().split()), " ".join(hints)))
    return found


def placeholders(response) -> list[str]:
    document = lxml.html.fromstring(response.content.decode())
    return document.xpath("//main//input/@placeholder")


NEW_PASSWORD_HINT = (
    "Use at least 12 characters. Do not use a common password, only numbers, or something "
    "close to your name or email address."
)


@pytest.mark.django_db
def test_account_form_labels_are_in_sentence_case_with_plain_hints(client):
    person = make_person(email="amina@example.org")
    signup = client.get(reverse("account_signup"))
    sign_in = client.get(reverse("account_login"))
    reset = client.get(reverse("account_reset_password"))
    client.post(reverse("account_reset_password"), {"email": "amina@example.org"})
    link = link_in(mail.outbox[0].body, "/accounts/password/reset/key/").removeprefix(SITE)
    from_key = client.get(client.get(link).url)
    client.force_login(person)
    email = client.get(reverse("account_email"))
    change = client.get(reverse("account_change_password"))
    confirm_it_is_you = client.get(reverse("account_reauthenticate"))
    person.set_unusable_password()
    person.save()
    client.force_login(person)
    set_password = client.get(reverse("account_set_password"))

    assert fields(signup) == [
        ("Given name", ""),
        ("Family name", ""),
        ("Work email address", ""),
        ("Password", NEW_PASSWORD_HINT),
        ("Confirm password", ""),
    ]
    assert fields(sign_in) == [
        ("Email address", ""),
        ("Password", ""),
        ("Keep me signed in on this device", ""),
    ]
    assert fields(reset) == [("Email address", "")]
    assert fields(from_key) == [
        ("New password", NEW_PASSWORD_HINT),
        ("Confirm new password", ""),
    ]
    assert fields(email)[-1] == ("Email address", "")
    assert fields(change) == [
        ("Current password", ""),
        ("New password", NEW_PASSWORD_HINT),
        ("Confirm new password", ""),
    ]
    assert fields(confirm_it_is_you) == [("Password", "")]
    assert fields(set_password) == [
        ("Password", NEW_PASSWORD_HINT),
        ("Confirm password", ""),
    ]
    pages = [signup, sign_in, reset, from_key, email, change, confirm_it_is_you, set_password]
    assert [placeholders(page) for page in pages] == [[]] * len(pages)
    assert "Forgotten your password?" in confirm_it_is_you.content.decode()


@pytest.mark.django_db
def test_an_empty_new_password_form_says_what_to_enter(client):
    client.force_login(make_person(email="amina@example.org"))

    response = client.post(reverse("account_change_password"), {})

    assert {name: list(errors) for name, errors in response.context["form"].errors.items()} == {
        "oldpassword": ["Enter your current password"],
        "password1": ["Enter a new password"],
        "password2": ["Confirm your new password"],
    }
