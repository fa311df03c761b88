"""A person asks for their department to be corrected and their line manager approves it, in a
real browser without JavaScript, every page passing axe at 1280 px and 320 px."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from organisations.models import Membership
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.factories import DepartmentFactory, JobRoleFactory, make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def check(page) -> None:
    assert axe_violations(page) == [], page.url
    assert horizontal_overflow(page) == 0, page.url


@pytest.mark.parametrize("width", [1280, 320])
def test_correction_is_asked_for_and_approved_without_javascript(new_page, sign_in_as, width):
    registration = DepartmentFactory(code="CRS", name="Civil Registration")
    finance = DepartmentFactory(code="FIN", name="Finance")
    officer = JobRoleFactory(name="Citizen service officer")
    manager = make_person(
        roles=[Role.LEARNER, Role.DEPARTMENT_LEAD], department=registration, first_name="Grace"
    )
    person = make_person(
        department=registration, job_role=officer, line_manager=manager, first_name="Amina"
    )

    asker = new_page(width=width, javascript=False)
    sign_in_as(asker, person)
    asker.goto("/profile/")
    asker.get_by_label("Department", exact=True).select_option(label="Finance (FIN)")
    asker.get_by_label("Why should your department or job role change?").fill("Moved in March")
    asker.get_by_role("button", name="Save your details").click()
    expect(asker.locator("#pending-correction")).to_contain_text("Finance (FIN)")
    check(asker)

    decider = new_page(width=width, javascript=False)
    sign_in_as(decider, manager)
    decider.goto("/team/")
    decider.get_by_role("link", name="Corrections to departments and job roles").click()
    expect(decider.locator("h1")).to_have_text("Corrections waiting for you")
    check(decider)
    decider.get_by_role("link", name="Decide").click()
    expect(decider.get_by_text("Moved in March")).to_be_visible()
    check(decider)
    decider.get_by_role("button", name="Save decision").click()
    expect(decider.locator(".govuk-error-summary")).to_be_visible()
    check(decider)
    decider.get_by_label("Approve", exact=True).check()
    decider.get_by_role("button", name="Save decision").click()
    expect(decider.get_by_text("Nothing is waiting for you.")).to_be_visible()

    assert Membership.objects.get(user=person).department == finance
