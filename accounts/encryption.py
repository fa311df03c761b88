"""Secrets kept at rest (other systems' passwords and client secrets), encrypted with Fernet."""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac


class UndecryptableSecret(Exception):
    """The stored secret was encrypted under a secret key this site no longer holds."""


def _fernet(purpose: str) -> MultiFernet:
    # Old keys in SECRET_KEY_FALLBACKS still decrypt, so rotating the secret key follows Django's
    # own rotation: encrypt with the current key, read with any key still listed.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_key(secret, purpose)) for secret in secrets])


def _key(secret: str, purpose: str) -> bytes:
    # The purpose is the salt, so one secret key yields unrelated keys for unrelated secrets.
    digest = salted_hmac(purpose, "fernet-key", secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest)


def secret_encrypt(plain: str, *, purpose: str) -> str:
    """A Fernet token for the secret, or an empty string for no secret."""
    if not plain:
        return ""
    return _fernet(purpose).encrypt(plain.encode("utf-8")).decode("ascii")


def secret_decrypt(token: str, *, purpose: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(purpose).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise UndecryptableSecret(
            "The stored secret cannot be decrypted with the current secret key; enter it again."
        ) from None
