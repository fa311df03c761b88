"""OpenID Connect: allauth apps for the providers, their ID tokens checked, their claims read."""

import logging
from typing import Any

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

from accounts.encryption import secret_decrypt, secret_encrypt
from identity.claims import IdentityClaims, text_claim
from identity.models import IdentityProvider

logger = logging.getLogger(__name__)

SECRET_PURPOSE = "identity.oidc.client-secret"  # noqa: S105 (a key-derivation salt)
# Asymmetric signatures only: "none" and the HMAC family (keyed with the client secret) would
# let anyone holding, or guessing, the secret mint tokens.
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]


def client_secret_encrypt(plain: str) -> str:
    return secret_encrypt(plain, purpose=SECRET_PURPOSE)


def client_secret_decrypt(token: str) -> str:
    return secret_decrypt(token, purpose=SECRET_PURPOSE)


def social_app_for(provider: IdentityProvider) -> SocialApp:
    """An unsaved allauth app: sign-in at /accounts/oidc/<slug>/login/."""
    return SocialApp(
        provider=IdentityProvider.Protocol.OIDC,
        provider_id=provider.slug,
        name=provider.name,
        client_id=provider.client_id,
        secret=client_secret_decrypt(provider.client_secret_encrypted),
        settings={
            "server_url": provider.issuer_url,
            "oauth_pkce_enabled": True,
            "identity_provider": provider.pk,
        },
    )


def oidc_claims(provider: IdentityProvider, sociallogin: SocialLogin) -> IdentityClaims:
    """The claims of a completed sign-in, read with the provider's claim names. The second
    factor is read from the ID token only: amr and acr describe that authentication."""
    data = sociallogin.account.extra_data or {}
    id_token = data.get("id_token") or {}
    merged = {**id_token, **(data.get("userinfo") or {})}

    def claim(name: str) -> str:
        return text_claim(merged.get(name)) if name else ""

    return IdentityClaims(
        email=claim(provider.email_claim),
        given_name=claim(provider.given_name_claim),
        family_name=claim(provider.family_name_claim),
        department=claim(provider.department_claim),
        job_role=claim(provider.job_role_claim),
        line_manager_employee_number=claim(provider.line_manager_claim),
        employee_number=claim(provider.employee_number_claim),
        mfa_used=_mfa_used(provider, id_token),
    )


def _mfa_used(provider: IdentityProvider, id_token: dict[str, Any]) -> bool:
    trusted = {value.strip() for value in provider.trusted_mfa_values.split(",") if value.strip()}
    amr = id_token.get("amr") or []
    asserted = {str(value) for value in (amr if isinstance(amr, list) else [amr])}
    if id_token.get("acr"):
        asserted.add(str(id_token["acr"]))
    return bool(trusted & asserted)


class SignatureCheckedOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's adapter, but the ID token's signature is always checked against the
    provider's published keys (allauth skips the check when the token came from the token
    endpoint, trusting TLS; a tampered or substituted token must fail here regardless)."""

    def complete_login(self, request, app: SocialApp, token, **kwargs) -> SocialLogin:
        id_token = (kwargs.get("response") or {}).get("id_token")
        if not id_token:
            raise OAuth2Error("The identity provider sent no ID token.")
        data = {
            "id_token": self.id_token_verify(app, id_token),
            "userinfo": self.userinfo_fetch(token.token),
        }
        return self.get_provider().sociallogin_from_response(request, data)

    def id_token_verify(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        config = self.openid_config
        try:
            header = jwt.get_unverified_header(id_token)
            if header.get("alg") not in SIGNING_ALGORITHMS:
                raise OAuth2Error(f"ID token signed with a refused algorithm: {header.get('alg')}")
            with get_adapter().get_requests_session() as session:
                response = session.get(config["jwks_uri"])
                response.raise_for_status()
                keys = jwt.PyJWKSet.from_dict(response.json())
            key = _signing_key(keys, header.get("kid"))
            return jwt.decode(
                id_token,
                key=key.key,
                algorithms=[header["alg"]],
                audience=app.client_id,
                issuer=config["issuer"],
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as problem:
            logger.warning("Refused an ID token from %s: %s", config.get("issuer"), problem)
            raise OAuth2Error(f"The ID token is not valid: {problem}") from problem

    def userinfo_fetch(self, access_token: str) -> dict[str, Any]:
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url, headers={"Authorization": f"Bearer {access_token}"}
            )
            response.raise_for_status()
            return response.json()


def _signing_key(keys: jwt.PyJWKSet, kid: str | None) -> jwt.PyJWK:
    candidates = [key for key in keys.keys if kid is None or key.key_id == kid]
    if len(candidates) != 1:
        raise jwt.InvalidKeyError(f"No single published key matches the token's key id {kid!r}.")
    return candidates[0]
