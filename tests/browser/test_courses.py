"""Courses in a real browser: axe-core on every learner page, the whole journey on a 320 px
screen without JavaScript, the certificate, and the weight of a lesson page."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

import content_fixtures
from accounts.roles import Role
from competencies.services import framework_load, role_requirements_load
from courses.loading import course_load
from courses.models import CoursePage, Enrolment, LessonPage
from organisations.models import Department, JobRole
from organisations.services import organisation_load
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.browser.conftest import once_per_module
from tests.factories import make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seeded(request, settings):
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "pcdcf"
    return once_per_module(request, build_seeded)


def build_seeded():
    organisation = content_fixtures.read("organisation")
    organisation_load(departments=organisation["departments"], job_roles=organisation["job_roles"])
    framework_load(content_fixtures.read("frameworks/digcomp-2-2"))
    framework_load(content_fixtures.read("frameworks/people-centred-digital-capacity"))
    role_requirements_load(content_fixtures.read("frameworks/role-requirements"))
    author = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])
    course = course_load(content_fixtures.read("courses/04-data-confidence"), owner=author)
    learner = make_person(
        department=Department.objects.get(code="CRS"),
        job_role=JobRole.objects.get(code="citizen-service-officer"),
        first_name="Amina",
        last_name="Okafor",
    )
    return {"course": course, "learner": learner}


def answer_correctly(page, lesson: LessonPage):
    """Tick the right options, known from the page's stored content (never sent to browsers)."""
    from courses.marking import questions_of

    for question in questions_of(lesson.knowledge_check().value):
        for option in question.options:
            if option.correct:
                page.locator(f"#o-{option.id}").check()


def test_learner_pages_pass_axe_and_reflow(new_page, sign_in_as, seeded):
    course = seeded["course"]
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    page = new_page()
    for width in (1280, 320):
        # The same page at each width, signed out first, then in, loading each path afresh.
        page.context.clear_cookies()
        page.set_viewport_size({"width": width, "height": 800})
        for path in ("/courses/", course.url, "/certificates/no-such-reference/"):
            page.goto(path)
            assert axe_violations(page) == [], (path, width)
            assert horizontal_overflow(page) == 0, (path, width)
        sign_in_as(page, seeded["learner"])
        page.goto(course.url)
        if width == 1280:  # the narrow pass reuses the enrolment
            page.get_by_role("button", name="Enrol and start").click()
        for path in ("/courses/", course.url, lesson.url, "/learning/", "/learning/skills/"):
            assert page.goto(path).status == 200, path
            assert axe_violations(page) == [], (path, width)
            assert horizontal_overflow(page) == 0, (path, width)


def test_learner_completes_a_course_on_a_phone_without_javascript(new_page, sign_in_as, seeded):
    course: CoursePage = seeded["course"]
    page = new_page(width=320, javascript=False)
    sign_in_as(page, seeded["learner"])

    page.goto("/")
    page.locator("#navigation").get_by_role("link", name="Courses").click()
    page.get_by_label("Search courses").fill("data")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name=course.title).click()
    page.get_by_role("button", name="Enrol and start").click()
    expect(page.get_by_text(f"You are enrolled on {course.title}.")).to_be_visible()

    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    # A wrong answer first: feedback, then a retry.
    page.get_by_role("button", name="Check my answers").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Select an answer to question 1")).to_be_visible()
    assert axe_violations(page) == []
    for index, lesson in enumerate(lessons):
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        answer_correctly(page, lesson)
        page.get_by_role("button", name="Check my answers").click()
        expect(page.get_by_text(re.compile("You passed"))).to_be_visible()
        assert axe_violations(page) == []
        if index + 1 < len(lessons):
            page.get_by_role("link", name=re.compile("Next lesson")).click()

    # The last pass leads to the completion page (checked by axe in the loop at 320 px).
    expect(page.get_by_role("heading", level=1)).to_have_text("Course complete")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"
    page.set_viewport_size({"width": 1280, "height": 800})
    assert axe_violations(page) == []
    assert horizontal_overflow(page) == 0
    page.get_by_role("link", name="Go to your learning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your learning")

    page.goto(course.url)
    expect(page.get_by_role("heading", name="Course complete")).to_be_visible()
    code = Enrolment.objects.get().certificate.code
    page.goto(f"/certificates/{code}/")
    expect(page.get_by_role("heading", name="Certificate is valid")).to_be_visible()

    page.goto("/learning/skills/")
    row = page.get_by_role("row", name=re.compile("DA.1 Data literacy"))
    expect(row).to_contain_text("Knowledge check")


def test_first_load_of_a_lesson_page_stays_light(new_page, sign_in_as, seeded, record_property):
    course = seeded["course"]
    page = new_page(width=320)
    sign_in_as(page, seeded["learner"])
    page.goto(course.url)
    page.get_by_role("button", name="Enrol and start").click()
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path")[1]

    transferred = []
    page.on("requestfinished", lambda request: transferred.append(request))
    page.goto(lesson.url)
    page.wait_for_load_state("networkidle")
    total = 0
    for request in transferred:
        sizes = request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]

    record_property("lesson_page_bytes", total)
    print(f"\nfirst load of a lesson page: {total} bytes in {len(transferred)} requests")
    assert total < 150_000
