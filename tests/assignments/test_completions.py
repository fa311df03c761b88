"""A course completed for real completes the assigned rows its window allows; a lapsed
recertification opens the next cycle."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assignments.models import AssignedPerson, Audience
from assignments.selectors import assignment_progress, with_status
from assignments.services import (
    assignment_create,
    assignment_cycles_renew,
    assignment_withdraw,
    end_of_day,
)
from assignments.status import Status, add_months
from assignments.xapi import assignment_activity
from tests.assignments.helpers import complete_course, organisation_of, tiny_course
from xapi.models import Statement
from xapi.vocab import VERB_COMPLETED, extension_on_time

SHARED = (
    "department",
    "other_department",
    "job_role",
    "department_lead",
    "learner",
    "training_lead",
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def org(shared):
    def build():
        made = organisation_of(shared)
        made.course = tiny_course("completing", "Completing", owner=shared["training_lead"])
        made.second = tiny_course("second", "Second course", owner=shared["training_lead"])
        return made

    return shared.build(build)


def assign(by, person, course, *, days_ago=0, due_in=30, **fields):
    """Assigned `days_ago` days ago, due `due_in` days from today."""
    now = timezone.now()
    return assignment_create(
        by=by,
        item=course,
        audience=Audience.PERSON,
        person=person,
        due_date=timezone.localdate(now) + timedelta(days=due_in),
        reason="Needed for the job.",
        now=now - timedelta(days=days_ago),
        **fields,
    )


def row_of(assignment, user) -> AssignedPerson:
    return AssignedPerson.objects.get(assignment=assignment, user=user)


def completed_statements(user_row) -> list[dict]:
    grouping = assignment_activity(user_row.assignment).id
    return [
        statement.data["result"]
        for statement in Statement.objects.filter(verb_id=VERB_COMPLETED)
        if statement.data.get("context", {})
        .get("contextActivities", {})
        .get("grouping", [{}])[0]
        .get("id")
        == grouping
    ]


def test_a_completion_completes_rows_on_time_or_late(training_lead, org, django_assert_num_queries):
    on_time = assign(training_lead, org.learner, org.course)
    late = assign(training_lead, org.learner, org.second, days_ago=60, due_in=-30)
    # Someone's row on a withdrawn assignment stays as it was.
    withdrawn = assign(training_lead, org.counter, org.course)
    assignment_withdraw(by=training_lead, assignment=withdrawn)
    AssignedPerson.objects.filter(assignment=on_time).update(statement_sent=True)

    first = complete_course(org.learner, org.course).completed_at
    second = complete_course(org.learner, org.second).completed_at
    complete_course(org.counter, org.course)

    now = timezone.now()
    assert [
        (
            row_of(on_time, org.learner).completed_at,
            assignment_progress(on_time, now)[Status.DONE_ON_TIME],
        ),
        (row_of(late, org.learner).completed_at, assignment_progress(late, now)[Status.DONE_LATE]),
        (row_of(withdrawn, org.counter).completed_at, assignment_progress(withdrawn, now)),
    ] == [(first, 1), (second, 1), (None, dict.fromkeys(Status, 0))]
    with django_assert_num_queries(1):
        assignment_progress(on_time, now)
    # The row announced already gets its "completed" statement now; the other waits for the
    # statement job, which sends both in order.
    on_time_row = row_of(on_time, org.learner)
    assert completed_statements(on_time_row) == [
        {"completion": True, "extensions": {extension_on_time(): True}}
    ]
    assert completed_statements(row_of(late, org.learner)) == []


def test_a_recurring_row_counts_a_completion_only_inside_its_window(training_lead, org):
    # Due in 30 days; the window opens 10 days before: 20 days from now.
    narrow = assign(training_lead, org.learner, org.course, recurs_months=12, window_days=10)
    wide = assign(training_lead, org.counter, org.course, recurs_months=12, window_days=60)
    complete_course(org.learner, org.course)
    done = complete_course(org.counter, org.course).completed_at
    narrow_row, wide_row = row_of(narrow, org.learner), row_of(wide, org.counter)
    assert [
        (narrow_row.completed_at, narrow_row.expires_at),
        (wide_row.completed_at, wide_row.expires_at),
    ] == [(None, None), (done, add_months(done, 12))]


def test_a_lapsed_cycle_opens_the_next_once(training_lead, org, settings):
    settings.TIME_ZONE = "Europe/London"
    assignment = assign(training_lead, org.learner, org.course, recurs_months=12, window_days=60)
    done = complete_course(org.learner, org.course).completed_at
    first = row_of(assignment, org.learner)
    lapsed = first.expires_at + timedelta(seconds=1)
    statuses = dict(
        with_status(AssignedPerson.objects.filter(pk=first.pk), now=lapsed).values_list(
            "pk", "status"
        )
    )
    assert (first.expires_at, statuses) == (add_months(done, 12), {first.pk: Status.EXPIRED})

    assert (assignment_cycles_renew(now=lapsed), assignment_cycles_renew(now=lapsed)) == (1, 0)
    rows = AssignedPerson.objects.filter(assignment=assignment).order_by("cycle")
    next_due = end_of_day(add_months(assignment.due_date, 12))
    assert [
        (row.cycle, row.due_at, row.window_opens_at, row.completed_at, row.removed_at)
        for row in rows
    ] == [
        (1, first.due_at, first.window_opens_at, done, lapsed),
        (2, next_due, next_due - timedelta(days=60), None, None),
    ]
    # The learner finished the course before the new cycle's window opened: nothing of this
    # cycle is started until they take it again.
    assert assignment_progress(assignment, lapsed) == {
        **dict.fromkeys(Status, 0),
        Status.NOT_STARTED: 1,
    }
