"""Skill-gap report pages in a real browser: axe-core at desktop and 320 px, no sideways
scrolling, and everything reachable with JavaScript off."""

import re
from datetime import UTC, date, datetime

import pytest

from accounts.roles import Role
from assignments.models import AssignedPerson, Assignment, Audience
from competencies.services import framework_load
from courses.loading import course_load
from courses.models import Enrolment
from tests.analytics.scenario import build_organisation
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.browser.conftest import once_per_module
from tests.competencies.frameworks import DIGCOMP_MINI, framework_data
from tests.courses.data import course_data
from tests.factories import make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CTO_PAGES = [
    "/reports/",
    "/reports/?framework=digcomp22",
    "/reports/competencies/DA.1/",
    "/reports/departments/CRS/",
    "/reports/departments/CRS/competencies/DA.1/",
    "/reports/departments/CRS/competencies/DA.1/?job_role=data-analyst",
    # FIN's data analysts are too few: the drill-down says so and shows no figure.
    "/reports/departments/FIN/competencies/DA.2/",
]


@pytest.fixture
def organisation(request, settings):
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "mini"
    return once_per_module(request, build_organisation_with_cto)


def build_organisation_with_cto():
    framework_load(DIGCOMP_MINI)
    framework_load(framework_data())
    organisation = build_organisation()
    organisation.cto = make_person(roles=[Role.LEARNER, Role.CTO_OFFICE])
    organisation.course = mandatory_course(organisation)
    return organisation


def mandatory_course(organisation):
    """A course every CRS officer must complete, some of them enrolled: the compliance and
    learner pages then have rows to check."""
    course = course_load(course_data(), owner=organisation.cto)
    assignment = Assignment.objects.create(
        item=course,
        audience=Audience.DEPARTMENT,
        department=organisation.departments["CRS"],
        due_date=date(2099, 6, 30),
        mandatory=True,
        reason="Everyone in CRS handles data.",
    )
    due = datetime(2099, 6, 30, tzinfo=UTC)
    for key, person in organisation.people.items():
        if key.startswith("o"):
            AssignedPerson.objects.create(
                assignment=assignment, user=person, assigned_at=due, due_at=due
            )
        if key in ("o1", "o2", "a1"):
            Enrolment.objects.create(user=person, course=course)
    return course


def test_report_pages_pass_axe_at_desktop_and_320px(new_page, sign_in_as, organisation):
    learners = f"/reports/courses/{organisation.course.pk}/learners/"
    visits = [
        (organisation.cto, [*CTO_PAGES, "/reports/compliance/", learners]),
        (
            organisation.managers["CRS"],
            ["/reports/departments/CRS/", "/reports/department/compliance/", "/team/compliance/"],
        ),
        (organisation.people["o4"], ["/reports/me/"]),
    ]
    seen = {}
    for person, paths in visits:
        # One page per person, loading each path afresh at each width.
        page = new_page()
        sign_in_as(page, person)
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 800})
            for path in paths:
                status = page.goto(path).status
                # Open every details element so the direct reports' tables are checked too.
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                seen[(person.email, path, width)] = (
                    status,
                    axe_violations(page),
                    horizontal_overflow(page),
                )

    assert seen == {
        (person.email, path, width): (200, [], 0)
        for person, paths in visits
        for path in paths
        for width in (1280, 320)
    }


def test_cto_office_drills_down_and_downloads_without_javascript(
    new_page, sign_in_as, organisation
):
    page = new_page(width=320, javascript=False)
    sign_in_as(page, organisation.cto)

    page.goto("/")
    page.locator("#navigation").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Skills across the organisation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Skills reports"
    assert page.locator("svg[role=img] title").first.text_content() == (
        "Share of people meeting their target level, by competency and department"
    )

    # Each step waits for the next page to load: the address changes as soon as the
    # response starts, before the browser has read the page.
    page.get_by_role("link", name="DigComp 2.2").click()
    page.wait_for_url(
        re.compile(r"/reports/\?framework=digcomp22#gaps-table$"), wait_until="domcontentloaded"
    )
    page.get_by_role("link", name="Civil Registration and Citizen Services").click()
    page.wait_for_url("**/reports/departments/CRS/", wait_until="domcontentloaded")
    page.get_by_role("link", name="DA.1 Data literacy").first.click()
    page.wait_for_url(
        "**/reports/departments/CRS/competencies/DA.1/", wait_until="domcontentloaded"
    )
    assert "7 of the 10 people assessed (whose level is known) meet their target" in (
        page.content()
    )

    with page.expect_download() as download:
        page.goto("/reports/")
        page.get_by_role("link", name="Data (CSV)").click()
    assert download.value.suggested_filename == "skill-gaps-organisation.csv"


def test_department_lead_opens_a_direct_report_without_javascript(
    new_page, sign_in_as, organisation
):
    page = new_page(width=320, javascript=False)
    sign_in_as(page, organisation.managers["CRS"])

    page.goto("/")
    page.locator("#navigation").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Your department's skills").click()
    page.wait_for_url("**/reports/departments/CRS/", wait_until="domcontentloaded")
    page.get_by_text("Person O4, Citizen service officer").click()
    table = page.get_by_role("table", name="Levels of Person O4")
    assert table.is_visible()
    assert "Manager validation" in table.inner_text()
