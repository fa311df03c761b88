"""Signing in with email and password, and the limit on failed attempts."""

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_person


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_sign_in_with_email_and_password(client):
    person = make_person(email="amina@example.org")

    response = login(client, "Amina@Example.org", PASSWORD)

    assert response.status_code == 302
    assert response.url == "/"
    assert client.session["_auth_user_id"] == str(person.pk)


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client):
    make_person(email="amina@example.org")

    response = login(client, "amina@example.org", "not-the-password")

    assert response.status_code == 200
    assert "The email address or password is not right. Check them and try again." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_empty_sign_in_form_names_each_missing_field(client):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})

    errors = response.context["form"].errors
    assert errors["login"] == ["Enter your email address"]
    assert errors["password"] == ["Enter your password"]


@pytest.mark.django_db
def test_repeated_failed_sign_ins_are_rate_limited_even_with_the_right_password(client):
    make_person(email="amina@example.org")
    for _ in range(5):
        login(client, "amina@example.org", "wrong-password-guess")

    response = login(client, "amina@example.org", PASSWORD)

    assert response.status_code == 200
    assert "You have tried to sign in too many times. Wait a few minutes and try again." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_rate_limit_is_per_account_so_others_can_still_sign_in(client):
    make_person(email="amina@example.org")
    other = make_person(email="lars@example.org")
    for _ in range(5):
        login(client, "amina@example.org", "wrong-password-guess")

    response = login(client, "lars@example.org", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


@pytest.mark.django_db
def test_sign_out_is_a_post_and_ends_the_session(client):
    person = make_person()
    client.force_login(person)

    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_link_only_for_known_addresses(client, mailoutbox):
    make_person(email="amina@example.org")

    known = client.post(reverse("account_reset_password"), {"email": "amina@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert known.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert unknown.status_code == 200
    assert "The email address is not assigned to any user account." in unknown.content.decode()


@pytest.mark.django_db
def test_password_reset_link_sets_a_new_password(client, mailoutbox):
    person = make_person(email="amina@example.org")
    client.post(reverse("account_reset_password"), {"email": "amina@example.org"})
    link = re.search(r"http://[^/]+(/accounts/password/reset/key/\S+/)", mailoutbox[0].body)[1]

    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a-fresh-long-passphrase", "password2": "a-fresh-long-passphrase"},
    )

    assert response.status_code == 302
    # The old password no longer works; the new one signs the person in.
    assert "_auth_user_id" not in client.session
    assert login(client, "amina@example.org", PASSWORD).status_code == 200
    signed_in = login(client, "amina@example.org", "a-fresh-long-passphrase")
    assert (signed_in.status_code, signed_in.url) == (302, "/")
    assert client.session["_auth_user_id"] == str(person.pk)
