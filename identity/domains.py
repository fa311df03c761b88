"""Which identity provider answers for an email address's domain, for accounts' password refusal."""

import logging

from django.http import HttpRequest

from accounts.adapter import SignInElsewhere
from identity.models import IdentityProvider

logger = logging.getLogger(__name__)


def provider_for_email(email: str) -> IdentityProvider | None:
    """The enabled provider whose email domains include the address's domain (exact match)."""
    domain = email.strip().lower().rpartition("@")[2]
    if not domain:
        return None
    for provider in IdentityProvider.objects.filter(enabled=True).exclude(email_domains=""):
        if domain in provider.domains():
            return provider
    return None


def provider_sign_in_for_email(
    email: str, request: HttpRequest | None = None
) -> SignInElsewhere | None:
    """Where staff with this address sign in instead of using a password, or None."""
    from identity.adapter import provider_login_url

    provider = provider_for_email(email)
    if provider is None:
        return None
    return SignInElsewhere(
        provider_name=provider.name,
        login_url=provider_login_url(provider, request),
        domain=email.strip().lower().rpartition("@")[2],
    )
