"""The question after a first sign-in, the certificate, a programme and its certificate, a
completed course's page (offering to take it again), the catalogue's area filter and the
completed part of a learning plan, in a real browser: axe-core at 320 px and 1280 px, reflow,
and the same journeys with JavaScript off."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

import content_fixtures
from accounts.models import FirstSteps, User
from accounts.roles import Role
from accounts.services import user_create
from competencies.models import Area
from competencies.services import framework_load, role_requirements_load
from courses.loading import course_load, programme_load
from courses.models import Certificate, Enrolment, LearningPlanItem
from courses.programmes import programme_completions_update
from organisations.models import Department, JobRole
from organisations.services import organisation_load
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.browser.conftest import once_per_module
from tests.courses.data import course_data
from tests.factories import PASSWORD, make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def load_organisation():
    organisation = content_fixtures.read("organisation")
    organisation_load(departments=organisation["departments"], job_roles=organisation["job_roles"])


@pytest.fixture
def organisation():
    load_organisation()


@pytest.fixture
def newcomer(organisation):
    return user_create(
        email="noor.haddad.with.a.long.address@city-government.example.org",
        password=PASSWORD,
        first_name="Noor",
        email_verified=True,
        first_steps=FirstSteps.DUE,
    )


@pytest.fixture
def finished(request, settings):
    """A learner who finished a course from their plan, with its certificate."""
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "pcdcf"
    return once_per_module(request, build_finished)


def build_finished():
    load_organisation()
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
    LearningPlanItem.objects.create(user=learner, course=course, position=1)
    enrolment = Enrolment.objects.create(user=learner, course=course, completed_at=timezone.now())
    # A programme the course completes, with an elective the learner has not started.
    course_load(course_data(), owner=author)
    programme = programme_load(
        {
            "slug": "data-first",
            "title": "Data first",
            "summary": "Data confidence, then more if you like.",
            "courses": [{"slug": course.slug}, {"slug": "data-basics", "elective": True}],
            "competency_targets": [{"code": "DA.1", "level": 2}],
        },
        owner=author,
    )
    [completion] = programme_completions_update(user=learner, course=course)
    return {
        "learner": learner,
        "certificate": Certificate.objects.create(enrolment=enrolment),
        "programme": programme.url,
        "course": course.url,
        "programme_certificate": f"/learning/programme-certificates/{completion.code}/",
    }


def test_the_question_after_a_first_sign_in_passes_axe_and_reflows(new_page, sign_in_as, newcomer):
    page = new_page()
    sign_in_as(page, newcomer)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.goto("/welcome/?next=/").status == 200
        expect(page.get_by_role("heading", level=1)).to_have_text("Tell us where you work")
        assert (axe_violations(page), horizontal_overflow(page)) == ([], 0), width

        page.get_by_role("button", name="Save and continue").click()
        summary = page.locator(".govuk-error-summary")
        expect(
            summary.get_by_role(
                "link", name="Select your department or your job role, or skip this question"
            )
        ).to_be_visible()
        assert (axe_violations(page), horizontal_overflow(page)) == ([], 0), width


def test_the_question_is_answered_or_skipped_without_javascript(new_page, sign_in_as, newcomer):
    page = new_page(width=320, javascript=False)
    sign_in_as(page, newcomer)

    page.goto("/welcome/?next=/courses/")
    page.get_by_role("button", name="Skip this for now").click()

    expect(page).to_have_url(re.compile(r"/courses/$"))
    assert User.objects.get(pk=newcomer.pk).first_steps == FirstSteps.SKIPPED
    # Asked once: the page now sends the person on.
    page.goto("/welcome/")
    expect(page).to_have_url(re.compile(r"/$"))


def test_certificate_plan_and_catalogue_pass_axe_and_reflow(new_page, sign_in_as, finished):
    code = finished["certificate"].code
    area = Area.objects.filter(framework__slug="pcdcf").order_by("sort_order", "code").first()
    page = new_page()
    for width in (1280, 320):
        # The same page at each width, signed out first, then in, loading each path afresh.
        page.context.clear_cookies()
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"/certificates/{code.lower()}/")
        expect(
            page.get_by_role("heading", name="Skills and levels this course confirms")
        ).to_be_visible()
        assert (axe_violations(page), horizontal_overflow(page)) == ([], 0), width
        page.goto(finished["programme"])
        expect(page.get_by_role("heading", name="Electives")).to_be_visible()
        assert (axe_violations(page), horizontal_overflow(page)) == ([], 0), width

        sign_in_as(page, finished["learner"])
        page.goto(finished["programme"])
        expect(page.get_by_role("heading", name="Programme complete")).to_be_visible()
        assert (axe_violations(page), horizontal_overflow(page)) == ([], 0), width
        page.goto(finished["programme_certificate"])
        expect(page.get_by_role("table", name="Courses completed")).to_be_visible()
        assert (axe_violations(page), horizontal_overflow(page)) == ([], 0), width

        page.goto(finished["course"])
        expect(page.get_by_role("button", name="Take this course again")).to_be_visible()
        assert (axe_violations(page), horizontal_overflow(page)) == ([], 0), width

        page.goto("/learning/")
        plan_done = page.locator("#plan-completed + ul")
        expect(plan_done).to_contain_text("Completed")
        expect(plan_done.get_by_role("link", name=re.compile("Certificate"))).to_be_visible()
        assert (axe_violations(page), horizontal_overflow(page)) == ([], 0), width

        page.goto(f"/courses/?area={area.code}")
        assert (axe_violations(page), horizontal_overflow(page)) == ([], 0), width


def test_choosing_an_area_narrows_the_competencies_without_javascript(new_page, finished):
    area = Area.objects.filter(framework__slug="pcdcf").order_by("sort_order", "code").last()
    page = new_page(width=320, javascript=False)

    page.goto("/courses/")
    page.get_by_label("Skill area").select_option(area.code)
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(rf"area={re.escape(area.code)}"))

    # to_have_text waits for the new page's list, then compares all of it, in order.
    expect(page.locator("#id_competency option")).to_have_text(
        ["Any competency"]
        + [
            f"{competency.code} {competency.title}"
            for competency in area.competencies.order_by("sort_order", "code")
        ]
    )
