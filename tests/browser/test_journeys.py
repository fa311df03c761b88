"""Whole journeys in a real browser, on a phone-sized screen with JavaScript off."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import dateformat, timezone
from playwright.sync_api import expect

import content_fixtures
from accounts.models import User
from organisations.models import Membership, MembershipRequest
from tests.browser.axe import axe_violations
from tests.factories import DepartmentFactory, JobRoleFactory
from tests.mfa import current_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSPHRASE = "a-long-and-unusual-passphrase"


def banners(page) -> list[str]:
    """The words of each notification banner on the page, whitespace collapsed."""
    # After a redirect the address changes before the new page has loaded: read it once loaded.
    page.wait_for_load_state("load")
    return [
        " ".join(text.split())
        for text in page.locator(".govuk-notification-banner__content").all_inner_texts()
    ]


def summary_rows(page) -> dict[str, str]:
    """The profile's summary list: each row's key and value."""
    return {
        row.locator("dt").inner_text().strip(): " ".join(
            row.locator(".govuk-summary-list__value").inner_text().split()
        )
        for row in page.locator(".govuk-summary-list__row").all()
    }


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_new_civil_servant_signs_up_confirms_sets_up_mfa_and_signs_back_in(new_page):
    DepartmentFactory(code="CRS", name="Civil Registration and Citizen Services")
    JobRoleFactory(code="citizen-service-officer", name="Citizen service officer")
    page = new_page(width=320, javascript=False)

    page.goto("/")
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("Given name").fill("Noor")
    page.get_by_label("Family name").fill("Haddad")
    page.get_by_label("Work email address").fill("noor.haddad@example.org")
    page.get_by_label("Password", exact=True).fill(PASSPHRASE)
    page.get_by_label("Confirm password").fill(PASSPHRASE)
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    # The account exists, unconfirmed, and the confirmation went to the address given.
    assert list(
        EmailAddress.objects.values_list("user__first_name", "user__last_name", "email", "verified")
    ) == [("Noor", "Haddad", "noor.haddad@example.org", False)]
    assert [message.to for message in mail.outbox] == [["noor.haddad@example.org"]]

    link = re.search(r"http://[^/]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)[1]
    page.goto(link)
    page.get_by_role("button", name="Confirm email address").click()
    assert EmailAddress.objects.get(email="noor.haddad@example.org").verified is True
    # Straight after the first sign-in: where do you work? Asked once, on a page of its own.
    expect(page).to_have_url(re.compile(r"/welcome/\?next=%2F$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tell us where you work"
    assert axe_violations(page) == []
    page.get_by_label("Your department").select_option(
        label="Civil Registration and Citizen Services (CRS)"
    )
    page.get_by_label("Your job role").select_option(label="Citizen service officer")
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert banners(page) == [
        "Thank you. Your line manager or an administrator will check your department and job "
        "role before they take effect."
    ]
    expect(page.locator("main p", has_text="You are signed in as")).to_have_text(
        "You are signed in as noor.haddad@example.org."
    )

    page.locator("#account-navigation").get_by_role("link", name="Your profile").click()
    # A newcomer's own word places them nowhere: it waits for an administrator's approval.
    assert not Membership.objects.filter(user__email="noor.haddad@example.org").exists()
    request = MembershipRequest.objects.get(user__email="noor.haddad@example.org")
    assert (request.department.code, request.job_role.code, request.status) == (
        "CRS",
        "citizen-service-officer",
        "pending",
    )
    asked_on = dateformat.format(timezone.localtime(request.created_at), "j F Y")
    expect(page.locator("#pending-correction")).to_have_text(
        "You asked to change your department to Civil Registration and Citizen Services (CRS) "
        f"and your job role to Citizen service officer on {asked_on}. Your line manager or an "
        "administrator will check it before it takes effect."
    )
    assert summary_rows(page) == {
        "Email address": "noor.haddad@example.org",
        "Line manager": "Not recorded",
        "Password": "Hidden",
        "Two-factor authentication": "Protects your account if your password is stolen.",
        "Department": "Not recorded",
        "Job role": "Not recorded",
    }

    page.goto("/accounts/2fa/totp/activate/")
    page.get_by_label("Password").fill(PASSPHRASE)
    page.get_by_role("button", name="Continue").click()
    secret = page.locator("#authenticator_secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery\-codes/"))
    assert banners(page) == [
        "Your authenticator app is set up.",
        "New recovery codes have been created.",
    ]
    assert sorted(
        Authenticator.objects.filter(user__email="noor.haddad@example.org").values_list(
            "type", flat=True
        )
    ) == [Authenticator.Type.RECOVERY_CODES, Authenticator.Type.TOTP]
    assert axe_violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "noor.haddad@example.org", PASSPHRASE)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert axe_violations(page) == []
    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert banners(page) == ["You are signed in as Noor Haddad."]
    expect(
        page.locator("#account-navigation").get_by_role("link", name="Your profile")
    ).to_be_visible()
    assert User.objects.get(email="noor.haddad@example.org").last_login is not None


LEARNING = ["Your learning", "Courses", "Assess your skills"]


# Each persona's menu. The demo is seeded once for all of them: signing one in changes nothing
# another sees.
MENUS = {
    "learner@example.org": LEARNING,
    "training.lead@example.org": [*LEARNING, "Reports", "Content management"],
    "department.lead@example.org": [*LEARNING, "Your team", "Reports"],
    "cto.office@example.org": [*LEARNING, "Your team", "Reports"],
    "admin@example.org": [*LEARNING, "Reports", "Content management"],
}


def test_demo_personas_see_their_menus_and_the_training_lead_reaches_the_cms(new_page):
    call_command("seed_demo", "--synthetic-staff", "0", stdout=StringIO())
    users = content_fixtures.read("users")
    names = {user["email"]: f"{user['first_name']} {user['last_name']}" for user in users["users"]}

    seen = {}
    page = new_page(width=1024)
    for email in MENUS:
        # Each persona signs in afresh in the same browser, with the last one's cookies gone.
        page.context.clear_cookies()
        sign_in(page, email, users["password"])
        expect(page).to_have_url(re.compile(r"/$"))
        # Their words as read out, visually hidden ones included ("Notifications (0 unread)").
        account = page.locator("#account-navigation").get_by_role("link").all_text_contents()
        seen[email] = {
            "banners": banners(page),
            "menu": [text.strip() for text in page.locator("#navigation a").all_inner_texts()],
            "account": [text.strip() for text in account],
            "axe": axe_violations(page),
        }

    assert seen == {
        email: {
            "banners": [f"You are signed in as {names[email]}."],
            "menu": menu,
            "account": ["Notifications (0 unread)", "Your profile"],
            "axe": [],
        }
        for email, menu in MENUS.items()
    }

    # The training lead's way into the CMS, signed out in a page of its own: the site's own
    # sign-in, then the CMS dashboard headed with the service's name.
    page = new_page(width=1280)
    page.goto("/cms/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email address").fill("training.lead@example.org")
    page.get_by_label("Password").fill(users["password"])
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/cms/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(settings.SERVICE_NAME)
    assert page.title() == f"Dashboard - {settings.SERVICE_NAME} content management"
