"""Signing in through the organisation's real OpenID provider in a real browser, JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations, horizontal_overflow
from tests.factories import DepartmentFactory, JobRoleFactory
from tests.identity.oidc import identity_provider_create
from tests.peers.oidc_peer import OidcProvider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "provider-password-1"


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory, live_server):
    provider = OidcProvider(tmp_path_factory.mktemp("oidc-provider"))
    provider.start()
    provider.setup(
        redirect_uris=[f"{live_server.url}/accounts/oidc/city/login/callback/"],
        people=[("ann@city.example.gov", PASSWORD, "Ann", "Okafor")],
    )
    yield provider
    provider.stop()


def profile_place(page) -> tuple[str, str]:
    page.goto("/profile/")
    values = page.locator(".govuk-summary-list__row", has_text="Department").locator("dd")
    role = page.locator(".govuk-summary-list__row", has_text="Job role").locator("dd")
    return values.first.inner_text(), role.first.inner_text()


def test_person_signs_in_through_the_provider_and_moves_when_it_says_so(
    new_page, oidc_provider, live_server
):
    DepartmentFactory(code="CRS", name="Civil Registration")
    DepartmentFactory(code="FIN", name="Finance")
    JobRoleFactory(code="data-analyst", name="Data analyst")
    identity_provider_create(oidc_provider.issuer)
    oidc_provider.claims_set(
        {"ann@city.example.gov": {"department": "CRS", "job_role": "Data analyst"}}
    )
    page = new_page(width=320, javascript=False)

    page.goto("/accounts/login/")
    sign_in_page_violations = axe_violations(page)
    sign_in_page_overflow = horizontal_overflow(page)
    page.get_by_role("button", name="Sign in with City Council sign-in").click()
    # The provider's own sign-in page, on its own origin.
    expect(page).to_have_url(re.compile(rf"^{re.escape(oidc_provider.issuer)}/accounts/login/"))
    page.locator('input[name="login"]').fill("ann@city.example.gov")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/"))
    first_place = profile_place(page)
    profile_violations = axe_violations(page)

    # The provider moves Ann; she signs out of the service and back in (the provider remembers
    # her, so she goes straight through).
    oidc_provider.claims_set(
        {"ann@city.example.gov": {"department": "FIN", "job_role": "Data analyst"}}
    )
    page.context.clear_cookies(domain="localhost")
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with City Council sign-in").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/"))

    assert sign_in_page_violations == []
    assert sign_in_page_overflow == 0
    assert first_place == ("Civil Registration (CRS)", "Data analyst")
    assert profile_violations == []
    assert profile_place(page) == ("Finance (FIN)", "Data analyst")


def test_password_sign_in_for_a_provider_domain_points_to_the_provider(
    new_page, oidc_provider, live_server
):
    identity_provider_create(oidc_provider.issuer)
    page = new_page(width=320, javascript=False)

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("ann@city.example.gov")
    page.get_by_label("Password").fill("any-password-at-all")
    page.get_by_role("button", name="Sign in", exact=True).click()
    refusal = page.locator(".govuk-error-summary").inner_text()
    refusal_violations = axe_violations(page)
    page.get_by_role("link", name="Sign in with City Council sign-in").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    confirmation_violations = axe_violations(page)
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(oidc_provider.issuer)}/accounts/login/"))
    assert "Staff with an @city.example.gov email address sign in with City Council sign-in." in (
        refusal
    )
    assert heading == "Sign in with City Council sign-in"
    assert refusal_violations == []
    assert confirmation_violations == []
