"""Authors' course figures: enrolments, completions and knowledge-check pass rates per course."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from courses.loading import course_load
from courses.models import Enrolment, KnowledgeCheckAttempt, LessonPage
from courses.reports import course_report, percent
from tests.courses.data import course_data
from tests.courses.drafts import act, draft_course, submit
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def enrol(course, *, completed=False, attempts=()):
    """A learner on `course`, with knowledge-check attempts given as passed flags in order."""
    enrolment = Enrolment.objects.create(
        user=make_person(), course=course, completed_at=timezone.now() if completed else None
    )
    lesson = LessonPage.objects.descendant_of(course).first()
    for number, passed in enumerate(attempts, start=1):
        KnowledgeCheckAttempt.objects.create(
            enrolment=enrolment,
            lesson=lesson,
            number=number,
            answers={},
            correct=3 if passed else 1,
            total=3,
            passed=passed,
        )
    return enrolment


@pytest.fixture
def figures(course):
    enrol(course, completed=True, attempts=[True])
    enrol(course, attempts=[False, True])
    enrol(course, attempts=[False, False, False])
    enrol(course)
    return course


def test_report_counts_enrolments_completions_and_attempts(figures):
    (row,) = course_report(owner=figures.owner)

    assert (row.title, row.enrolled, row.completed) == ("Data basics", 4, 1)
    assert (row.attempts, row.attempts_passed) == (6, 2)
    assert (row.first_attempts, row.first_attempts_passed) == (3, 1)
    assert not row.in_review


def test_percent_rounds_and_has_nothing_to_say_about_nothing():
    assert percent(1, 4) == 25
    assert percent(2, 6) == 33
    assert percent(1, 3) == 33
    assert percent(2, 3) == 67
    assert percent(0, 0) is None


def test_report_lists_only_the_authors_own_courses_unless_everyone_is_asked_for(
    figures, training_lead
):
    colleague = make_person()
    other = course_load(
        course_data(slug="security-habits", title="Security habits"), owner=colleague
    )
    enrol(other, completed=True)
    draft = draft_course(training_lead, title="A draft in review", slug="draft")
    submit(draft, training_lead)

    own = course_report(owner=training_lead)
    every = course_report(owner=None)

    assert [(c.title, c.enrolled, c.in_review) for c in own] == [
        ("A draft in review", 0, True),
        ("Data basics", 4, False),
    ]
    assert [(c.title, c.enrolled, c.completed) for c in every] == [
        ("A draft in review", 0, 0),
        ("Data basics", 4, 1),
        ("Security habits", 1, 1),
    ]


def test_report_flags_courses_in_review_and_scheduled(training_lead):
    reviewer = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])
    in_review = draft_course(training_lead, title="In review", slug="in-review")
    submit(in_review, training_lead)
    scheduled = draft_course(
        training_lead,
        title="Scheduled",
        slug="scheduled",
        go_live_at=timezone.now() + timedelta(days=1),
    )
    submit(scheduled, training_lead)
    act(scheduled, reviewer, "approve")
    draft_course(training_lead, title="Written", slug="written")

    rows = course_report(owner=training_lead)

    assert [(c.title, c.live, c.in_review, c.scheduled) for c in rows] == [
        ("In review", False, True, False),
        ("Scheduled", False, False, True),
        ("Written", False, False, False),
    ]


def test_report_is_one_query_however_many_courses(
    figures, training_lead, django_assert_num_queries
):
    for n in range(3):
        extra = course_load(course_data(slug=f"extra-{n}", title=f"Extra {n}"), owner=training_lead)
        enrol(extra, completed=True, attempts=[True])

    with django_assert_num_queries(1):
        rows = list(course_report(owner=training_lead))

    assert len(rows) == 4
    assert {row.owner.pk for row in rows} == {training_lead.pk}
