"""Passwords for other LRSs, encrypted at rest with a key derived from the Django secret key."""

from accounts.encryption import UndecryptableSecret, secret_decrypt, secret_encrypt

# The salt ties the derived key to this one use, so the secret key yields unrelated keys elsewhere.
KEY_SALT = "xapi.credentials.forwarding-endpoint-password"


class UndecryptablePassword(Exception):
    """The stored password was encrypted under a secret key this site no longer holds."""


def password_encrypt(plain: str) -> str:
    """A Fernet token for the password, or an empty string for no password."""
    return secret_encrypt(plain, purpose=KEY_SALT)


def password_decrypt(token: str) -> str:
    try:
        return secret_decrypt(token, purpose=KEY_SALT)
    except UndecryptableSecret:
        raise UndecryptablePassword(
            "The stored password cannot be decrypted with the current secret key; "
            "enter the password again in the endpoint's settings."
        ) from None
