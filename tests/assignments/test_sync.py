"""Audiences kept current: joiners get rows of their own, leavers lose theirs, a second run
changes nothing; withdrawing removes what is unfinished."""

from datetime import UTC, date, datetime, timedelta

import pytest

from assignments.errors import AssignmentError, AssignmentRefused
from assignments.models import AssignedPerson, Audience
from assignments.services import (
    assignment_audiences_sync,
    assignment_create,
    assignment_withdraw,
    end_of_day,
)
from organisations.services import membership_set
from tests.assignments.helpers import NOW, organisation_of, tiny_course
from tests.factories import make_person

SHARED = (
    "department",
    "other_department",
    "job_role",
    "department_lead",
    "learner",
    "training_lead",
)

pytestmark = pytest.mark.django_db

LATER = NOW + timedelta(days=1)
RUN_DAY = LATER.date()


@pytest.fixture(scope="module", autouse=True)
def org(shared):
    def build():
        made = organisation_of(shared)
        made.course = tiny_course("kept-current", "Kept current", owner=shared["training_lead"])
        made.other_course = tiny_course("other", "Other course", owner=shared["training_lead"])
        return made

    return shared.build(build)


def assign(by, org, **fields):
    return assignment_create(
        by=by,
        item=fields.pop("item", org.course),
        due_date=date(2027, 3, 31),
        reason="Required for the counters.",
        joiner_days=fields.pop("joiner_days", 14),
        now=NOW,
        **fields,
    )


def current(assignment) -> dict[int, tuple]:
    return {
        row.user_id: (row.cycle, row.due_at)
        for row in AssignedPerson.objects.filter(assignment=assignment, removed_at__isnull=True)
    }


def test_joiners_and_leavers_of_a_department_then_nothing_the_second_time(training_lead, org):
    assignment = assign(training_lead, org, audience=Audience.DEPARTMENT, department=org.crs)
    due = end_of_day(date(2027, 3, 31))
    newcomer = make_person(department=org.sub)  # joins a sub-department
    membership_set(user=org.learner, department=org.fin, job_role=org.officer)  # moves out
    # The counter's last day is the day of the run: still in post.
    membership_set(user=org.counter, department=org.sub, job_role=org.officer, leaving_date=RUN_DAY)
    org.crs_analyst.is_active = False
    org.crs_analyst.save(update_fields=["is_active"])

    first = assignment_audiences_sync(now=LATER)
    second = assignment_audiences_sync(now=LATER + timedelta(hours=1))

    assert (first, second) == ({"joined": 1, "left": 2}, {"joined": 0, "left": 0})
    assert current(assignment) == {
        org.lead.pk: (1, due),
        org.counter.pk: (1, due),
        newcomer.pk: (1, end_of_day(date(2027, 3, 16))),
    }
    removed = AssignedPerson.objects.filter(assignment=assignment, removed_at=LATER)
    assert set(removed.values_list("user_id", flat=True)) == {org.learner.pk, org.crs_analyst.pk}

    # The learner comes back: a new row of their own, the next number.
    membership_set(user=org.learner, department=org.crs, job_role=org.officer)
    assert assignment_audiences_sync(now=LATER + timedelta(days=1)) == {"joined": 1, "left": 1}
    assert current(assignment) == {
        org.lead.pk: (1, due),
        org.learner.pk: (2, end_of_day(date(2027, 3, 17))),
        newcomer.pk: (1, end_of_day(date(2027, 3, 16))),
    }


def test_team_job_role_and_everyone_grow_with_their_audience(training_lead, org):
    team = assign(training_lead, org, audience=Audience.TEAM, team_manager=org.lead)
    role = assign(
        training_lead, org, item=org.other_course, audience=Audience.JOB_ROLE, job_role=org.analyst
    )
    new_report = make_person(department=org.fin, line_manager=org.lead)
    new_analyst = make_person(department=org.fin, job_role=org.analyst)
    assert assignment_audiences_sync(now=LATER) == {"joined": 2, "left": 0}
    assert (set(current(team)), set(current(role))) == (
        {org.learner.pk, org.counter.pk, new_report.pk},
        {org.crs_analyst.pk, new_analyst.pk},
    )


def test_a_person_or_chosen_people_only_ever_leave(training_lead, org):
    one = assign(training_lead, org, audience=Audience.PERSON, person=org.learner)
    chosen = assign(
        training_lead,
        org,
        item=org.other_course,
        audience=Audience.PEOPLE,
        people=[org.counter, org.fin_officer],
    )
    make_person(department=org.crs)
    org.learner.is_active = False
    org.learner.save(update_fields=["is_active"])
    membership_set(
        user=org.fin_officer,
        department=org.fin,
        job_role=org.officer,
        leaving_date=date(2027, 1, 1),
    )
    assert assignment_audiences_sync(now=LATER) == {"joined": 0, "left": 2}
    assert (current(one), set(current(chosen))) == ({}, {org.counter.pk})


def test_a_joiner_holding_the_item_elsewhere_is_not_given_a_second_row(training_lead, org):
    newcomer = make_person(department=org.fin)
    assign(training_lead, org, audience=Audience.PERSON, person=newcomer)
    department = assign(training_lead, org, audience=Audience.DEPARTMENT, department=org.crs)
    membership_set(user=newcomer, department=org.crs, job_role=None)
    assert assignment_audiences_sync(now=LATER) == {"joined": 0, "left": 0}
    assert newcomer.pk not in current(department)


def test_withdrawing_removes_unfinished_rows_and_keeps_done_ones(training_lead, org):
    assignment = assign(training_lead, org, audience=Audience.DEPARTMENT, department=org.crs)
    AssignedPerson.objects.filter(assignment=assignment, user=org.learner).update(completed_at=NOW)
    withdrawn_at = datetime(2027, 3, 2, tzinfo=UTC)

    assert assignment_withdraw(by=training_lead, assignment=assignment, now=withdrawn_at) == 3
    assert (assignment.withdrawn_at, set(current(assignment))) == (withdrawn_at, {org.learner.pk})
    # A withdrawn assignment no longer follows its audience.
    make_person(department=org.crs)
    assert assignment_audiences_sync(now=LATER) == {"joined": 0, "left": 0}
    with pytest.raises(AssignmentError) as again:
        assignment_withdraw(by=training_lead, assignment=assignment)
    assert (again.value.message, again.value.field) == (
        "This assignment has already been withdrawn.",
        None,
    )


def test_only_someone_who_may_see_an_assignment_withdraws_it(training_lead, department_lead, org):
    assignment = assign(training_lead, org, audience=Audience.DEPARTMENT, department=org.fin)
    with pytest.raises(AssignmentRefused) as refused:
        assignment_withdraw(by=department_lead, assignment=assignment)
    assignment.refresh_from_db()
    assert (refused.value.message, assignment.withdrawn_at, len(current(assignment))) == (
        "You can only withdraw training assigned within your scope.",
        None,
        2,
    )
