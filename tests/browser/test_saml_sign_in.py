"""Signing in through the real SAML identity provider's own sign-in page, in a real browser."""

import re

import pytest
import requests
from playwright.sync_api import expect

from organisations.models import Membership
from organisations.services import membership_set
from tests.browser.axe import axe_violations
from tests.factories import DepartmentFactory, JobRoleFactory, make_person
from tests.identity.saml_flow import city_directory, directory, directory_reset
from tests.peers import saml_idp_peer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module")
def saml_idp(tmp_path_factory):
    idp = saml_idp_peer.start(tmp_path_factory.mktemp("saml-idp"), directory())
    yield idp
    idp.stop()


@pytest.fixture
def city(saml_idp, live_server):
    directory_reset(saml_idp)
    departments = [
        DepartmentFactory(code="ENV", name="Environment"),
        DepartmentFactory(code="FIN", name="Finance"),
    ]
    JobRoleFactory(code="data-analyst", name="Data analyst")
    manager = make_person(email="manager@city.example.gov")
    membership_set(user=manager, department=departments[0], job_role=None, employee_number="1000")
    provider = city_directory(saml_idp)
    # The IdP's administrator registers this service from the metadata it publishes.
    metadata = requests.get(
        f"{live_server.url}/accounts/saml/{provider.slug}/metadata/", timeout=10
    )
    metadata.raise_for_status()
    saml_idp.service_provider_register(metadata.text)
    yield provider
    directory_reset(saml_idp)


def sign_in_at_the_directory(page, *, check_accessibility: bool) -> None:
    page.goto("/accounts/login/")
    if check_accessibility:
        assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in with City directory").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/sso\?SAMLRequest="))
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("ada-pass-1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/$"))


def membership_of_ada() -> tuple[str, str | None]:
    membership = Membership.objects.select_related("department", "job_role").get(
        user__email="ada.lovelace@city.example.gov"
    )
    return membership.department.code, membership.job_role.code if membership.job_role else None


def test_saml_sign_in_lands_with_the_directory_department_and_a_move_follows(
    new_page, city, saml_idp
):
    page = new_page(width=320, javascript=False)

    sign_in_at_the_directory(page, check_accessibility=True)

    assert axe_violations(page) == []
    assert membership_of_ada() == ("ENV", "data-analyst")
    page.goto("/profile/")
    assert axe_violations(page) == []
    expect(page.locator("main")).to_contain_text("Environment")

    saml_idp.person_update("ada", ou="FIN")
    later = new_page()
    sign_in_at_the_directory(later, check_accessibility=False)

    assert membership_of_ada() == ("FIN", "data-analyst")
    later.goto("/profile/")
    expect(later.locator("main")).to_contain_text("Finance")


def test_saml_response_signed_with_another_key_shows_why_sign_in_failed(new_page, city, saml_idp):
    saml_idp.signing_set("wrong-key")
    page = new_page()

    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with City directory").click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("ada-pass-1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in did not work")
    assert axe_violations(page) == []
    assert not Membership.objects.filter(user__email="ada.lovelace@city.example.gov").exists()
