"""Thin adapters from allauth's signals: a session remembers the provider's second factor."""

from django.http import HttpRequest

from accounts.middleware import MFA_BY_IDENTITY_PROVIDER_SESSION_KEY


def session_mfa_from_identity_provider(sender, request: HttpRequest, user, **kwargs) -> None:
    # Every sign-in decides afresh: a password sign-in after an SSO one must not inherit it.
    if getattr(kwargs.get("sociallogin"), "identity_mfa_used", False):
        request.session[MFA_BY_IDENTITY_PROVIDER_SESSION_KEY] = True
    else:
        request.session.pop(MFA_BY_IDENTITY_PROVIDER_SESSION_KEY, None)
