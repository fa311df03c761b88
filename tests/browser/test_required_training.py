"""Required training end to end in a real browser, without JavaScript: the CTO office assigns
courses from a department's skill gap, a learner sees the assignment with its due date, the
reminder arrives through a real SMTP server, the learner completes the course and the compliance
figures move; a year later the recertification expires, reopens, and is met by taking the
course again."""

import datetime as dt
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from assignments.models import AssignedPerson, Assignment, Audience
from assignments.services import assignment_create
from competencies.services import framework_load
from courses.loading import course_load
from courses.models import Enrolment, LessonPage
from tests.analytics.scenario import build_organisation
from tests.browser.conftest import once_per_module
from tests.browser.test_courses import answer_correctly
from tests.competencies.frameworks import DIGCOMP_MINI, framework_data
from tests.courses.data import course_data
from tests.factories import make_person
from tests.peers.smtp_peer import smtp_peer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module")
def smtp():
    with smtp_peer() as peer:
        yield peer


@pytest.fixture
def organisation(request, settings, smtp):
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "mini"
    # Every figure shown: how small groups are hidden is checked by the report modules; here
    # the compliance figures must be seen to move.
    settings.ANALYTICS_MIN_GROUP_SIZE = 1
    smtp.settings_for(settings)
    return once_per_module(request, build)


def build():
    framework_load(DIGCOMP_MINI)
    framework_load(framework_data())
    organisation = build_organisation()
    organisation.cto = make_person(roles=[Role.LEARNER, Role.CTO_OFFICE])
    author = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])
    # Data basics builds DA.1, the gap below.
    organisation.course = course_load(course_data(), owner=author)
    return organisation


def complete_course(page, course) -> None:
    """From the course page: enrol (or start again) and pass every lesson."""
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    for index, lesson in enumerate(lessons):
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        if lesson.knowledge_check() is not None:
            answer_correctly(page, lesson)
            page.get_by_role("button", name="Check my answers").click()
            expect(page.get_by_text(re.compile("You passed"))).to_be_visible()
        else:
            page.get_by_role("button", name=re.compile("Mark .* complete|Complete")).click()
        if index + 1 < len(lessons):
            page.get_by_role("link", name=re.compile("Next lesson")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Course complete")


def compliance_row(page, department: str) -> dict[str, str]:
    """The department's figures in the first compliance table, by column heading."""
    page.goto("/reports/compliance/")
    table = page.locator("table").first
    headings = table.locator("thead th").all_inner_texts()
    cells = table.get_by_role("row", name=re.compile(department)).locator("th, td")
    return dict(zip(headings, cells.all_inner_texts(), strict=True))


def test_from_the_gap_to_the_assignment_the_reminder_and_the_completion(
    new_page, sign_in_as, organisation, smtp
):
    course = organisation.course
    due = timezone.localdate() + dt.timedelta(days=10)

    # The CTO office acts on CRS's data literacy gap.
    cto = new_page(width=320, javascript=False)
    sign_in_as(cto, organisation.cto)
    cto.goto("/reports/departments/CRS/")
    cto.get_by_role("link", name=re.compile(r"Assign courses for this\W+DA\.1")).click()
    expect(cto.get_by_role("heading", level=1)).to_contain_text("DA.1")
    expect(cto.get_by_label("Data basics")).to_be_checked()
    cto.get_by_label("Day", exact=True).fill(str(due.day))
    cto.get_by_label("Month", exact=True).fill(str(due.month))
    cto.get_by_label("Year", exact=True).fill(str(due.year))
    cto.get_by_label(re.compile("Mandatory")).check()
    cto.get_by_label(re.compile("Reason")).fill("Your role needs you to read data with confidence.")
    cto.get_by_role("button", name="Confirm and assign").click()
    expect(cto.locator(".govuk-notification-banner")).to_contain_text("Data basics")

    assignment = Assignment.objects.get()
    below = sorted(assignment.people.values_list("user__last_name", flat=True))
    assert (assignment.audience, assignment.mandatory, assignment.source, below) == (
        Audience.PEOPLE,
        True,
        {"department": "CRS", "competency": "DA.1"},
        ["A2", "A3", "O3"],
    )
    assert compliance_row(cto, "Civil Registration") == {
        "Department": "Civil Registration and Citizen Services",
        "People": "3",
        "Done on time": "0",
        "Done late": "0",
        "Overdue": "0",
        "In progress": "0",
        "Not started": "3",
        "Expired": "0",
    }

    # The learner sees it first, with its due date and status.
    learner = organisation.people["o3"]
    page = new_page(width=320, javascript=False)
    sign_in_as(page, learner)
    page.goto("/learning/")
    panel = page.locator(".app-assigned-list")
    expect(panel).to_contain_text("Data basics")
    expect(panel).to_contain_text(f"Mandatory, due {due.day} {due:%B %Y}")
    expect(panel).to_contain_text("Not started")

    # The reminder job emails the three people through SMTP, once.
    call_command("send_reminders")
    call_command("send_reminders")
    received = smtp.messages()
    assert sorted(to for recipients, _ in received for to in recipients) == sorted(
        person.email
        for person in assignment.people.all().select_related("user")
        for person in [person.user]
    )
    [message] = [m for recipients, m in received if recipients == [learner.email]]
    assert message["Subject"] == "Reminder: Data basics is due in 10 days"
    text = message.get_body(("plain",)).get_content()
    assert f"http://127.0.0.1:8000{course.url}" in text

    # The learner completes the course; the compliance view moves.
    page.goto(course.url)
    page.get_by_role("button", name="Enrol and start").click()
    complete_course(page, course)
    page.goto("/learning/")
    today = timezone.localdate()
    expect(page.locator(".app-assigned-list")).to_contain_text(
        f"Done Mandatory, due {due.day} {due:%B %Y}; done {today.day} {today:%B %Y}."
    )
    assert compliance_row(cto, "Civil Registration") == {
        "Department": "Civil Registration and Citizen Services",
        "People": "3",
        "Done on time": "1",
        "Done late": "0",
        "Overdue": "0",
        "In progress": "0",
        "Not started": "2",
        "Expired": "0",
    }

    lead = new_page(width=320, javascript=False)
    sign_in_as(lead, organisation.managers["CRS"])
    lead.goto("/team/compliance/")
    expect(lead.get_by_role("row", name=re.compile("Person O3"))).to_contain_text("Done on time")
    expect(lead.get_by_role("row", name=re.compile("Person A3"))).to_contain_text("Not started")


def test_a_recertification_expires_reopens_and_is_met_by_taking_the_course_again(
    new_page, sign_in_as, organisation
):
    course = organisation.course
    learner = organisation.people["o3"]
    page = new_page(width=320, javascript=False)
    sign_in_as(page, learner)
    page.goto(course.url)
    page.get_by_role("button", name="Enrol and start").click()
    complete_course(page, course)

    assignment = assignment_create(
        by=organisation.cto,
        item=course,
        audience=Audience.PERSON,
        person=learner,
        due_date=timezone.localdate() + dt.timedelta(days=30),
        mandatory=True,
        reason="Data protection law asks for yearly training.",
        recurs_months=12,
    )
    # A year passes: the course completion and the cycle it met are thirteen months old.
    year_ago = timezone.now() - relativedelta(months=13)
    Enrolment.objects.filter(user=learner, course=course).update(completed_at=year_ago)
    AssignedPerson.objects.filter(assignment=assignment).update(
        due_at=year_ago + dt.timedelta(days=40),
        window_opens_at=year_ago - dt.timedelta(days=20),
        completed_at=year_ago,
        expires_at=year_ago + relativedelta(months=12),
    )
    page.goto("/learning/")
    expect(page.locator(".app-assigned-list")).to_contain_text("Expired")

    call_command("sync_assignments")

    page.goto("/learning/")
    panel = page.locator(".app-assigned-list")
    expect(panel).to_contain_text("Not started")
    page.get_by_role("button", name=re.compile("Take it again")).click()
    complete_course(page, course)
    page.goto("/learning/")
    renewed = AssignedPerson.objects.get(assignment=assignment, cycle=2)
    due, today = timezone.localdate(renewed.due_at), timezone.localdate()
    expect(page.locator(".app-assigned-list")).to_contain_text(
        f"Done Mandatory, due {due.day} {due:%B %Y}; done {today.day} {today:%B %Y}."
    )
    assert [
        (row.cycle, row.completed_at is not None, row.removed_at is None)
        for row in AssignedPerson.objects.filter(assignment=assignment).order_by("cycle")
    ] == [(1, True, False), (2, True, True)]
