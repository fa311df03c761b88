"""Helpers for tests that need a working authenticator app."""

from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)


def current_code(secret: str) -> str:
    """The code an authenticator app would show now for this secret."""
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def activate_totp(user) -> str:
    """Give a person an authenticator app, as if they had set one up; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret
