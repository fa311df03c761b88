"""The test provider's claims: each person's organisation facts and second factor, from a file.

The file (IDP_DATA_DIR/claims.json) maps an email address to extra claims, for example
{"ann@city.example.gov": {"department": "CRS", "amr": ["pwd", "mfa"]}}. It is read on every
token and userinfo request, so a test changes what the provider says by rewriting it.
"""

import json
from typing import Any

from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.conf import settings

# amr and acr describe the authentication itself, so they belong in the ID token only.
AUTHENTICATION_CLAIMS = ("amr", "acr")


def claims_file_read() -> dict[str, dict[str, Any]]:
    path = settings.DATA_DIR / "claims.json"
    return json.loads(path.read_text()) if path.exists() else {}


class ClaimsFileAdapter(DefaultOIDCAdapter):
    def get_claims(self, purpose, user, client, scopes, email=None, **kwargs) -> dict[str, Any]:
        claims = super().get_claims(purpose, user, client, scopes, email=email, **kwargs)
        if "profile" not in scopes:
            return claims
        extra = claims_file_read().get(user.email, {})
        for name, value in extra.items():
            if purpose == "id_token" or name not in AUTHENTICATION_CLAIMS:
                claims[name] = value
        return claims
