"""allauth social-account adapter: identity providers from the CMS, their claims applied.

Protocol interface (one module per protocol, dispatched on ``IdentityProvider.protocol``):

- ``social_app_for(provider: IdentityProvider) -> allauth.socialaccount.models.SocialApp``
  builds an *unsaved* SocialApp for an enabled provider. Its ``provider`` attribute is the
  allauth provider id ("openid_connect" or "saml"), its ``provider_id`` is ``provider.slug``
  (so sign-in lives at /accounts/oidc/<slug>/login/ or /accounts/saml/<slug>/login/), and its
  ``settings`` carry ``{"identity_provider": provider.pk, ...}`` beside allauth's own keys.
- ``<protocol>_claims(provider: IdentityProvider, sociallogin) -> identity.claims.IdentityClaims``
  reads the verified assertion of a completed login with the provider's configured claim or
  attribute names. It raises ``identity.claims.ClaimsError`` when the assertion lacks an email.

``APP_BUILDERS`` and ``CLAIMS_READERS`` name these functions by dotted path and are imported
lazily, so a protocol whose module is missing (or whose libraries are not installed) is skipped
with a warning instead of breaking sign-in for the others. On every completed social login,
``pre_social_login`` finds the IdentityProvider from the SocialApp, calls the protocol's claims
reader, then ``identity.claims.identity_claims_apply(provider=..., claims=...)``, which creates
or updates the user and their membership; the login then proceeds as that user.
"""

import logging
from collections.abc import Callable

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.encryption import UndecryptableSecret
from identity.claims import ClaimsError, IdentityClaims, identity_claims_apply
from identity.models import IdentityProvider

logger = logging.getLogger(__name__)

APP_BUILDERS = {
    "openid_connect": "identity.oidc.social_app_for",
    "saml": "identity.saml.social_app_for",
}

CLAIMS_READERS = {
    "openid_connect": "identity.oidc.oidc_claims",
    "saml": "identity.saml.saml_claims",
}


def _protocol_function(table: dict[str, str], protocol: str) -> Callable | None:
    try:
        return import_string(table[protocol])
    except (KeyError, ImportError) as problem:
        logger.warning("No %s support for sign-in: %s", protocol, problem)
        return None


def identity_provider_apps(*, providers=None) -> list[SocialApp]:
    """Unsaved allauth apps for the enabled providers whose protocol can be served."""
    if providers is None:
        providers = IdentityProvider.objects.filter(enabled=True)
    apps = []
    for provider in providers:
        builder = _protocol_function(APP_BUILDERS, provider.protocol)
        if builder is None:
            continue
        try:
            apps.append(builder(provider))
        except UndecryptableSecret:
            logger.error("%s: its client secret must be entered again.", provider.name)
    return apps


def provider_login_url(provider: IdentityProvider, request: HttpRequest | None = None) -> str:
    """Where a person starts signing in with the provider (a page with a Continue button)."""
    apps = identity_provider_apps(providers=[provider])
    if not apps:
        return reverse("account_login")
    return apps[0].get_provider(request).get_login_url(request)


def identity_provider_of(sociallogin: SocialLogin) -> IdentityProvider | None:
    app = getattr(sociallogin.provider, "app", None)
    pk = app.settings.get("identity_provider") if app is not None else None
    return IdentityProvider.objects.filter(pk=pk).first() if pk is not None else None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None) -> list[SocialApp]:
        # Identity providers are configured in the CMS only; allauth's own SocialApp rows
        # and SOCIALACCOUNT_PROVIDERS apps are not offered, so there is one place to look.
        return [
            app
            for app in identity_provider_apps()
            if provider in (None, app.provider, app.provider_id)
            and client_id in (None, app.client_id)
        ]

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider = identity_provider_of(sociallogin)
        if provider is None or not provider.enabled:
            # Removed or switched off while the person was at the provider: allauth's own
            # sign-up must not take over, so nobody signs in.
            raise ImmediateHttpResponse(
                render(
                    request,
                    "identity/sign_in_refused.html",
                    {
                        "provider_name": provider.name if provider else _("this identity provider"),
                        "reason": _("This way of signing in has been switched off."),
                    },
                    status=403,
                )
            )
        reader = _protocol_function(CLAIMS_READERS, provider.protocol)
        try:
            if sociallogin.state.get("process") == AuthProcess.CONNECT:
                # Accounts are joined to a provider only by its own sign-in, never by hand.
                raise ClaimsError(
                    _("Sign out, then sign in with %(provider)s.") % {"provider": provider.name}
                )
            if reader is None:
                raise ClaimsError(
                    _("Sign-in with %(provider)s is not available at the moment.")
                    % {"provider": provider.name}
                )
            claims: IdentityClaims = reader(provider, sociallogin)
            self._account_link(provider=provider, claims=claims, sociallogin=sociallogin)
        except ClaimsError as problem:
            raise ImmediateHttpResponse(
                render(
                    request,
                    "identity/sign_in_refused.html",
                    {"provider_name": provider.name, "reason": str(problem)},
                    status=403,
                )
            ) from problem
        # Read by identity.signals when the session starts.
        sociallogin.identity_mfa_used = claims.mfa_used

    @transaction.atomic
    def _account_link(
        self, *, provider: IdentityProvider, claims: IdentityClaims, sociallogin: SocialLogin
    ) -> None:
        existing = sociallogin.user if sociallogin.is_existing else None
        user = identity_claims_apply(provider=provider, claims=claims, user=existing)
        if existing is None:
            # Linked here rather than through allauth's sign-up, so the account and its link
            # to the provider's subject are one transaction and allauth logs the person in.
            sociallogin.user = user
            sociallogin.account.user = user
            sociallogin.account.save()
