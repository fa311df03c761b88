"""SAML sign-in for the tests: the directory of the test IdP, its provider row, the round trip."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import requests
from django.test import Client

from identity.models import IdentityProvider
from tests.peers.saml_idp_peer import SamlIdp

MULTI_FACTOR = "https://refeds.org/profile/mfa"
ADA_ATTRIBUTES = {
    "mail": "ada.lovelace@city.example.gov",
    "givenName": "Ada",
    "sn": "Lovelace",
    "ou": "ENV",
    "title": "Data analyst",
    "employeeNumber": "1001",
    "managerEmployeeNumber": "1000",
}
GRACE_ATTRIBUTES = {
    "mail": "grace.hopper@city.example.gov",
    "givenName": "Grace",
    "sn": "Hopper",
    "ou": "FIN",
    "title": "Data analyst",
    "employeeNumber": "1002",
}
DIRECTORY = {
    "ada": {"password": "ada-pass-1", "code": "246810", "name_id": "p-1001", "attributes": {}},
    "grace": {"password": "grace-pass-1", "code": "135791", "name_id": "p-1002", "attributes": {}},
}


def directory() -> dict[str, dict]:
    people = {username: dict(person) for username, person in DIRECTORY.items()}
    people["ada"]["attributes"] = dict(ADA_ATTRIBUTES)
    people["grace"]["attributes"] = dict(GRACE_ATTRIBUTES)
    return people


def directory_reset(idp: SamlIdp) -> None:
    """Back to the directory every test starts from: its people, responses signed properly."""
    idp.person_update("ada", **ADA_ATTRIBUTES)
    idp.person_update("grace", **GRACE_ATTRIBUTES)
    idp.signing_set("valid")


def city_directory(idp: SamlIdp, **fields) -> IdentityProvider:
    """The provider row an administrator would enter for the test IdP: LDAP-style attribute
    names (OIDs, as pysaml2 sends them), not the model's defaults."""
    values = {
        "slug": "city-directory",
        "name": "City directory",
        "protocol": IdentityProvider.Protocol.SAML,
        "metadata_url": idp.metadata_url,
        "email_domains": "city.example.gov",
        "email_claim": "urn:oid:0.9.2342.19200300.100.1.3",
        "given_name_claim": "urn:oid:2.5.4.42",
        "family_name_claim": "urn:oid:2.5.4.4",
        "department_claim": "urn:oid:2.5.4.11",
        "job_role_claim": "urn:oid:2.5.4.12",
        "employee_number_claim": "urn:oid:2.16.840.1.113730.3.1.3",
        "line_manager_claim": "managerEmployeeNumber",
        "trusted_mfa_values": MULTI_FACTOR,
        **fields,
    }
    return IdentityProvider.objects.create(**values)


def browser() -> Client:
    """A test client that sends a Host header, as every browser does (python3-saml reads it)."""
    return Client(HTTP_HOST="testserver")


def service_provider_register(idp: SamlIdp, provider: IdentityProvider, client: Client) -> str:
    """Hand our metadata (as `client` sees this site) to the IdP's administrator; returns it."""
    response = client.get(f"/accounts/saml/{provider.slug}/metadata/")
    assert response.status_code == 200, response.content
    metadata = response.content.decode()
    idp.service_provider_register(metadata)
    return metadata


class FormReader(HTMLParser):
    """The first form of a page: where it posts and the values of its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attributes.get("action") or ""
        elif tag == "input" and attributes.get("name"):
            self.fields.setdefault(attributes["name"], attributes.get("value") or "")


def form_of(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def idp_sign_in(client: Client, provider: IdentityProvider, username: str, password: str, code=""):
    """From our Continue button to the IdP's answer: the form that posts back to us."""
    start = client.post(f"/accounts/saml/{provider.slug}/login/")
    assert start.status_code == 302, start.content
    with requests.Session() as session:
        sign_in_page = session.get(start["Location"], timeout=10)
        assert sign_in_page.status_code == 200, sign_in_page.text
        form = form_of(sign_in_page.text)
        answer = session.post(
            requests.compat.urljoin(start["Location"], form.action),
            data={**form.fields, "username": username, "password": password, "code": code},
            timeout=20,
        )
    assert answer.status_code == 200, answer.text
    return form_of(answer.text)


def saml_sign_in(client: Client, provider: IdentityProvider, username: str, password: str, code=""):
    """The whole round trip through the real IdP; returns our last response."""
    answer = idp_sign_in(client, provider, username, password, code)
    return saml_response_post(client, answer.action, answer.fields)


def saml_response_post(client: Client, acs_url: str, fields: dict[str, str]):
    """What the browser does with the IdP's form: post it to our assertion consumer service,
    then follow our redirect to where allauth finishes the sign-in."""
    received = client.post(urlsplit(acs_url).path, fields)
    assert received.status_code == 302, received.content
    return client.get(received["Location"])
