"""Endpoint passwords are encrypted at rest and can be read back only with the secret key."""

import pytest

from tests.factories import ForwardingEndpointFactory
from xapi.credentials import UndecryptablePassword, password_decrypt, password_encrypt
from xapi.models import ForwardingEndpoint


def test_a_password_is_encrypted_and_decrypted():
    token = password_encrypt("correct horse battery")

    assert "correct horse" not in token
    assert password_decrypt(token) == "correct horse battery"
    assert password_encrypt("correct horse battery") != token  # a fresh IV every time


def test_no_password_stays_empty():
    assert (password_encrypt(""), password_decrypt("")) == ("", "")


def test_another_secret_key_cannot_decrypt(settings):
    token = password_encrypt("correct horse battery")
    settings.SECRET_KEY = "a-different-secret-key"

    with pytest.raises(UndecryptablePassword, match="enter the password again"):
        password_decrypt(token)


def test_a_rotated_secret_key_still_decrypts_through_the_fallbacks(settings):
    old = settings.SECRET_KEY
    token = password_encrypt("correct horse battery")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "the-new-secret-key", [old]

    assert password_decrypt(token) == "correct horse battery"


@pytest.mark.django_db
def test_the_database_never_holds_the_password_in_plain_text():
    endpoint = ForwardingEndpointFactory(password="correct horse battery")

    stored = ForwardingEndpoint.objects.filter(pk=endpoint.pk).values_list(
        "password_encrypted", flat=True
    )

    assert "correct horse" not in stored.get()
    assert ForwardingEndpoint.objects.get(pk=endpoint.pk).get_password() == "correct horse battery"
