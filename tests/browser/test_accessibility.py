"""Every page of the service passes axe-core (WCAG 2.2 A and AA) with no violations, reflows at
320 px without sideways scrolling, and shows its content with JavaScript off."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.factories import PASSWORD, make_person
from tests.mfa import activate_totp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Path, and the status of the page the browser ends on (the CMS login redirects to ours).
ANONYMOUS_PAGES = {
    "/": 200,
    "/accounts/login/": 200,
    "/accounts/signup/": 200,
    "/accounts/password/reset/": 200,
    "/accounts/confirm-email/": 200,
    "/accessibility/": 200,
    "/privacy/": 200,
    "/cms/login/": 200,
    "/no-such-page/": 404,
}

SIGNED_IN_PAGES = [
    "/",
    "/profile/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/department/",
    "/departments/",
    "/privacy/",
    "/assignments/",
    "/assignments/new/",
]


def check_pages(page, paths: dict[str, int], *, widths=(1280, 320)) -> dict:
    """What each page shows at each width: its status, how many main headings, axe's
    violations and how far it scrolls sideways. One page, resized and loaded afresh at each
    width, visits them all: a new browser for each would start cold every time."""
    seen = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            response = page.goto(path)
            seen[(path, width)] = {
                "status": response.status,
                "headings": page.locator("h1").count(),
                "axe": axe_violations(page),
                "overflow": horizontal_overflow(page),
            }
    return seen


def passing(paths: dict[str, int], *, widths=(1280, 320)) -> dict:
    return {
        (path, width): {"status": status, "headings": 1, "axe": [], "overflow": 0}
        for width in widths
        for path, status in paths.items()
    }


def test_anonymous_pages_pass_axe_and_reflow_at_320px(page):
    assert check_pages(page, ANONYMOUS_PAGES) == passing(ANONYMOUS_PAGES)


def test_anonymous_pages_show_their_content_without_javascript(new_page):
    page = new_page(javascript=False)
    seen = {}
    for path in ANONYMOUS_PAGES:
        response = page.goto(path)
        seen[path] = {
            "status": response.status,
            "heading shown": page.locator("h1").is_visible(),
            # The menu is a plain list without JavaScript.
            "menu shown": page.locator("#navigation").is_visible(),
            "axe": axe_violations(page),
        }

    assert seen == {
        path: {"status": status, "heading shown": True, "menu shown": True, "axe": []}
        for path, status in ANONYMOUS_PAGES.items()
    }


def test_signed_in_pages_pass_axe_and_reflow_at_320px(page, sign_in_as):
    # A lead who is also CTO office and administrator can open every page in the list.
    person = make_person(
        roles=[Role.LEARNER, Role.DEPARTMENT_LEAD, Role.CTO_OFFICE, Role.ADMINISTRATOR],
        email="all.roles.with.a.long.address@city-government.example.org",
    )
    activate_totp(person)
    sign_in_as(page, person)
    paths = dict.fromkeys(SIGNED_IN_PAGES, 200)

    assert check_pages(page, paths) == passing(paths)


def test_forms_with_errors_pass_axe(page):
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []


def test_profile_with_errors_passes_axe(page, sign_in_as):
    sign_in_as(page, make_person())
    page.goto("/profile/")
    page.get_by_label("Given name").fill("")
    page.get_by_role("button", name="Save your details").click()

    expect(page.get_by_text("Enter your given name").first).to_be_visible()
    assert axe_violations(page) == []


def test_password_reset_and_verification_pages_pass_axe(page):
    make_person(email="amina@example.org")
    page.goto("/accounts/password/reset/")
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
    assert axe_violations(page) == []

    link = re.search(r"http://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)[1]
    page.goto(link)
    expect(page.locator("h1")).to_be_visible()
    assert axe_violations(page) == []


def test_email_verification_pages_pass_axe(page):
    page.goto("/accounts/signup/")
    page.get_by_label("Given name").fill("Noor")
    page.get_by_label("Work email address").fill("noor@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm\-email/$"))
    assert axe_violations(page) == []

    key_path = re.search(r"http://[^/]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)[1]
    page.goto(key_path)
    assert axe_violations(page) == []
    page.goto("/accounts/confirm-email/not-a-real-key/")
    assert axe_violations(page) == []


def test_mfa_set_up_and_sign_in_pages_pass_axe(page, sign_in_as):
    make_person(email="amina@example.org")
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/accounts/2fa/totp/activate/")
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    assert axe_violations(page) == []
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    assert axe_violations(page) == []

    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Incorrect code.").first).to_be_visible()
    assert axe_violations(page) == []


def test_account_change_pages_pass_axe_and_reflow_at_320px(new_page, sign_in_as):
    with_app = make_person(email="amina@example.org")
    activate_totp(with_app)
    without_password = make_person(email="noor@example.org")
    without_password.set_unusable_password()
    without_password.save()
    page = new_page(width=320)
    sign_in_as(page, with_app)

    page.goto("/accounts/2fa/totp/deactivate/")
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Remove your authenticator app")
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)

    page.goto("/accounts/2fa/recovery-codes/generate/")
    expect(page.locator("h1")).to_have_text("Create new recovery codes")
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)

    page.goto("/accounts/password/reset/key/done/")
    expect(page.locator("h1")).to_have_text("Your password has been changed")
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)

    sign_in_as(page, without_password)
    page.goto("/accounts/password/set/")
    expect(page.locator("h1")).to_have_text("Set a password")
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)

    page.goto("/accounts/3rdparty/")
    expect(page.locator("h1")).to_have_text("Your organisation sign-in")
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)

    page.goto("/accounts/3rdparty/login/cancelled/")
    expect(page.locator("h1")).to_have_text("You did not sign in")
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)


def test_assignment_pages_pass_axe_and_reflow_at_320px(new_page, sign_in_as, settings, monkeypatch):
    from assignments import gap
    from assignments.models import Audience
    from assignments.services import assignment_create
    from competencies.services import framework_load
    from courses.loading import course_load
    from tests.competencies.frameworks import DIGCOMP_MINI, framework_data
    from tests.courses.data import course_data
    from tests.factories import DepartmentFactory

    settings.COMPETENCY_PRIMARY_FRAMEWORK = "mini"
    framework_load(DIGCOMP_MINI)
    framework_load(framework_data())
    department = DepartmentFactory(code="CRS", name="Civil Registration and Citizen Services")
    lead = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD], department=department)
    learner = make_person(department=department, first_name="Amina", last_name="Okafor")
    course = course_load(course_data(), owner=lead)
    made = assignment_create(
        by=lead,
        item=course,
        audience=Audience.DEPARTMENT,
        department=department,
        due_date=timezone.localdate(),
        reason="Everyone in the department handles personal data.",
        mandatory=True,
    )
    monkeypatch.setattr(gap, "below_target_resolver", lambda d, c: [learner.pk])
    visits = [
        (lead, ["/assignments/", f"/assignments/{made.pk}/", f"/assignments/{made.pk}/withdraw/"]),
        (lead, ["/assignments/new/?department=CRS&competency=DA.1"]),
        (learner, ["/learning/"]),
    ]
    seen, expected = {}, {}
    for person, paths in visits:
        page = new_page()
        sign_in_as(page, person)
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 800})
            for path in paths:
                status = page.goto(path).status
                seen[(path, width)] = (status, axe_violations(page), horizontal_overflow(page))
                expected[(path, width)] = (200, [], 0)
    # The forms with their errors shown, and the conditional fields there without JavaScript.
    page = new_page(width=320, javascript=False)
    sign_in_as(page, lead)
    page.goto("/assignments/new/")
    page.get_by_label("Everyone in a department").check()
    page.get_by_label("Department", exact=True).select_option(label=str(department))
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    seen["form errors"] = (
        page.locator(".govuk-error-summary li").all_inner_texts(),
        axe_violations(page),
        horizontal_overflow(page),
    )
    expected["form errors"] = (
        [
            "Choose the course or programme to assign",
            "Enter the due date",
            "Enter the reason the learners will see",
        ],
        [],
        0,
    )
    page.goto("/assignments/new/?department=CRS&competency=DA.1")
    page.get_by_role("button", name="Confirm and assign").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    seen["gap errors"] = (page.locator(".govuk-error-summary li").count(), axe_violations(page))
    expected["gap errors"] = (1, [])

    assert seen == expected
