"""Thin adapters from signals: a session remembers the provider's second factor; providers
configured in the environment are loaded after migrate."""

from django.conf import settings
from django.http import HttpRequest

from accounts.middleware import MFA_BY_IDENTITY_PROVIDER_SESSION_KEY
from identity.services import identity_providers_configure


def session_mfa_from_identity_provider(sender, request: HttpRequest, user, **kwargs) -> None:
    # Every sign-in decides afresh: a password sign-in after an SSO one must not inherit it.
    if getattr(kwargs.get("sociallogin"), "identity_mfa_used", False):
        request.session[MFA_BY_IDENTITY_PROVIDER_SESSION_KEY] = True
    else:
        request.session.pop(MFA_BY_IDENTITY_PROVIDER_SESSION_KEY, None)


def identity_providers_from_environment(sender, **kwargs) -> None:
    # After migrate, so every start-up (make run, a deployment) brings the rows in line; a bad
    # entry stops migrate with its message rather than leaving sign-in half configured.
    if settings.IDENTITY_PROVIDERS_JSON.strip():
        identity_providers_configure(text=settings.IDENTITY_PROVIDERS_JSON)
