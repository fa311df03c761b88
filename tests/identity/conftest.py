"""The identity tests' real OpenID provider, started once per module on 127.0.0.1."""

import pytest

from tests.peers.oidc_peer import OidcProvider

PASSWORD = "provider-password-1"
PEOPLE = [
    ("ann@city.example.gov", PASSWORD, "Ann", "Okafor"),
    ("bo@city.example.gov", PASSWORD, "Bo", "Lindqvist"),
    ("cy@city.example.gov", PASSWORD, "Cy", "Marsh"),
    ("dee@parks.example.gov", PASSWORD, "Dee", "Walsh"),
]


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory):
    provider = OidcProvider(tmp_path_factory.mktemp("oidc-provider"))
    provider.start()
    provider.setup(
        redirect_uris=[
            f"http://testserver/accounts/oidc/{slug}/login/callback/" for slug in ("city", "forged")
        ],
        people=PEOPLE,
    )
    yield provider
    provider.stop()
