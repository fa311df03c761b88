"""Passwords for other LRSs, encrypted at rest with a key derived from the Django secret key."""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

# The salt ties the derived key to this one use, so the secret key yields unrelated keys elsewhere.
KEY_SALT = "xapi.credentials.forwarding-endpoint-password"


class UndecryptablePassword(Exception):
    """The stored password was encrypted under a secret key this site no longer holds."""


def _fernet() -> MultiFernet:
    # Old keys in SECRET_KEY_FALLBACKS still decrypt, so rotating the secret key follows Django's
    # own rotation: encrypt with the current key, read with any key still listed.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_key(secret)) for secret in secrets])


def _key(secret: str) -> bytes:
    digest = salted_hmac(KEY_SALT, "fernet-key", secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest)


def password_encrypt(plain: str) -> str:
    """A Fernet token for the password, or an empty string for no password."""
    if not plain:
        return ""
    return _fernet().encrypt(plain.encode("utf-8")).decode("ascii")


def password_decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise UndecryptablePassword(
            "The stored password cannot be decrypted with the current secret key; "
            "enter the password again in the endpoint's settings."
        ) from None
