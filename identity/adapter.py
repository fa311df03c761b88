"""allauth social-account adapter: identity providers from the CMS, their claims applied to memberships.

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

APP_BUILDERS = {
    "openid_connect": "identity.oidc.social_app_for",
    "saml": "identity.saml.social_app_for",
}

CLAIMS_READERS = {
    "openid_connect": "identity.oidc.oidc_claims",
    "saml": "identity.saml.saml_claims",
}
