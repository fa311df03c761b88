"""Signing in through the test OpenID provider: the service through Django's test client, the
provider over real HTTP, as a browser would go between them."""

from urllib.parse import urljoin

import requests
from django.test import Client

from identity.models import IdentityProvider
from identity.oidc import client_secret_encrypt
from tests.peers.oidc_peer import CLIENT_ID, CLIENT_SECRET

SERVICE = "http://testserver"


def identity_provider_create(issuer: str, *, slug: str = "city", **fields) -> IdentityProvider:
    """The row an administrator would create for the test provider."""
    return IdentityProvider.objects.create(
        slug=slug,
        name=fields.pop("name", "City Council sign-in"),
        protocol=IdentityProvider.Protocol.OIDC,
        issuer_url=issuer,
        client_id=CLIENT_ID,
        client_secret_encrypted=client_secret_encrypt(CLIENT_SECRET),
        email_domains=fields.pop("email_domains", "city.example.gov"),
        **fields,
    )


def oidc_sign_in(client: Client, *, email: str, password: str, slug: str = "city", meanwhile=None):
    """Press the provider's button, sign in on its own page, come back; the service's answer.
    `meanwhile` runs while the person is at the provider."""
    start = client.post(f"/accounts/oidc/{slug}/login/")
    assert start.status_code == 302, start
    browser = requests.Session()
    login_page = browser.get(start["Location"], timeout=10)
    assert "/accounts/login/" in login_page.url, login_page.url
    answer = browser.post(
        login_page.url,
        data={
            "login": email,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies["idp_csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    location = answer.headers["Location"]
    while not location.startswith(SERVICE):
        answer = browser.get(urljoin(answer.url, location), allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text[:500]
        location = answer.headers["Location"]
    if meanwhile is not None:
        meanwhile()
    return client.get(location.removeprefix(SERVICE))
