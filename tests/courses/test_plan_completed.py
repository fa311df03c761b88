"""A learning plan keeps the courses a learner finished, shown as completed with their
certificate, apart from the courses still to do; finished courses are never offered again."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.loading import course_load
from courses.models import Certificate, Enrolment, LearningPlanItem
from tests.courses.data import course_data
from tests.html import texts

pytestmark = pytest.mark.django_db


# The people and the courses are built once for the module; each test runs in a savepoint
# inside its transaction (tests/conftest.py).
SHARED = ("learner", "course")


def _more(training_lead, slug, title):
    return course_load(
        course_data(slug=slug, title=title, competency_targets=[{"code": "SP.1", "level": 2}]),
        owner=training_lead,
    )


@pytest.fixture(scope="module", autouse=True)
def more_courses(shared):
    return {
        name: shared.build(_more, shared["training_lead"], slug, title)
        for name, slug, title in [
            ("security", "security-habits", "Security habits"),
            ("privacy", "privacy-basics", "Privacy basics"),
        ]
    }


@pytest.fixture
def courses(shared, course, more_courses):
    return {"data": course} | {name: shared.fresh(c) for name, c in more_courses.items()}


@pytest.fixture
def plan(client, learner, courses):
    """Security habits, Data basics, Privacy basics, in that order; Data basics finished."""
    client.force_login(learner)
    for name in ("security", "data", "privacy"):
        client.post(reverse("plan_add"), {"course": courses[name].pk})
    finished = Enrolment.objects.create(
        user=learner, course=courses["data"], completed_at=timezone.now()
    )
    return Certificate.objects.create(enrolment=finished)


def to_do(response) -> list[str]:
    return [item.course.title for item in response.context["plan"]]


def test_the_plan_shows_a_finished_course_as_completed_with_its_certificate(client, plan, courses):
    response = client.get(reverse("dashboard"))
    html = " ".join(response.content.decode().split())

    assert to_do(response) == ["Security habits", "Privacy basics"]
    assert [
        (item.course.title, enrolment.certificate)
        for item, enrolment in response.context["plan_completed"]
    ] == [("Data basics", plan)]
    section = html.split('id="plan-completed"', 1)[1].split("</ul>", 1)[0]
    certificate = reverse("certificate_download", args=[plan.code])
    assert re.sub(r"<[^>]+>", "", section).split("Completed from your plan ", 1)[1].strip() == (
        f"Completed Data basics, completed {timezone.now():%-d %B %Y}. "
        "Certificate (PDF) for Data basics"
    )
    assert f'<a class="govuk-link" href="{certificate}">Certificate (PDF)' in section
    # Nothing in the list still to do offers to move or remove the finished course.
    assert 'Move up<span class="govuk-visually-hidden">: Data basics' not in html
    assert 'Remove<span class="govuk-visually-hidden">: Data basics' not in html


def test_moving_a_course_skips_over_finished_ones(client, plan, courses):
    privacy = LearningPlanItem.objects.get(course=courses["privacy"])

    client.post(reverse("plan_move", args=[privacy.pk]), {"direction": "up"})

    assert to_do(client.get(reverse("dashboard"))) == ["Privacy basics", "Security habits"]


def test_a_plan_with_only_finished_courses_says_so(client, learner, courses):
    client.force_login(learner)
    client.post(reverse("plan_add"), {"course": courses["data"].pk})
    Enrolment.objects.create(user=learner, course=courses["data"], completed_at=timezone.now())

    html = client.get(reverse("dashboard")).content.decode()

    assert texts(html, "//h2[@id='learning-plan']/following-sibling::*[1]") == [
        "You have completed every course in your plan. "
        "Add more from their pages or from the recommendations."
    ]
    assert "Your plan is empty." not in html


def test_the_completion_page_suggests_only_courses_still_to_do(client, learner, plan, courses):
    enrolment = Enrolment.objects.create(
        user=learner, course=courses["security"], completed_at=timezone.now()
    )
    Certificate.objects.create(enrolment=enrolment)

    response = client.get(reverse("course_complete", args=[courses["security"].pk]))

    assert [item.course.title for item in response.context["plan"]] == ["Privacy basics"]
