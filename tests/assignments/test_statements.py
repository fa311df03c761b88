"""Statements of required training: pseudonymous, grouped under the assignment, each stored
once however often the job runs; and the job itself."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from assignments.models import AssignedPerson, Audience
from assignments.services import assignment_create, assignment_statements_send, end_of_day
from assignments.xapi import assignment_activity
from tests.assignments.helpers import NOW, complete_course, organisation_of, tiny_course
from xapi.models import LearnerIdentity, Statement
from xapi.vocab import (
    VERB_COMPLETED,
    activity_type_assignment,
    extension_due_date,
    extension_mandatory,
    extension_on_time,
    verb_assigned,
    verb_missed_due_date,
)

SHARED = (
    "department",
    "other_department",
    "job_role",
    "department_lead",
    "learner",
    "training_lead",
)

pytestmark = pytest.mark.django_db

DUE = date(2027, 3, 31)


@pytest.fixture(scope="module", autouse=True)
def org(shared):
    def build():
        made = organisation_of(shared)
        made.course = tiny_course("announced", "Announced", owner=shared["training_lead"])
        return made

    return shared.build(build)


def ours(assignment) -> list[dict]:
    """The assignment's statements as stored, without what the store adds, in the order
    stored."""
    grouping = assignment_activity(assignment).id
    found = []
    for statement in Statement.objects.order_by("seq"):
        data = statement.data
        groups = data.get("context", {}).get("contextActivities", {}).get("grouping", [])
        if [group["id"] for group in groups] == [grouping]:
            found.append(
                {key: value for key, value in data.items() if key not in {"stored", "authority"}}
            )
    return found


def test_assigned_then_completed_and_missed_each_stored_once(training_lead, org, settings):
    settings.SITE_URL = "https://academy.example.org"
    done = complete_course(org.learner, org.course).completed_at
    assignment = assignment_create(
        by=training_lead,
        item=org.course,
        audience=Audience.PEOPLE,
        people=[org.learner, org.counter],
        due_date=DUE,
        reason="Everyone at the counters.",
        mandatory=True,
        now=NOW,
    )
    rows = {row.user_id: row for row in AssignedPerson.objects.filter(assignment=assignment)}
    before_due = NOW + timedelta(days=1)
    after_due = end_of_day(DUE) + timedelta(seconds=1)

    runs = [
        assignment_statements_send(batch=1, now=before_due),
        assignment_statements_send(batch=1, now=before_due),
        assignment_statements_send(now=after_due),
        assignment_statements_send(now=after_due),
    ]
    assert runs == [
        {"assigned": 2, "missed": 0},
        {"assigned": 0, "missed": 0},
        {"assigned": 0, "missed": 1},
        {"assigned": 0, "missed": 0},
    ]

    names = dict(LearnerIdentity.objects.values_list("user_id", "account_name"))
    course = {
        "id": org.course.iri,
        "objectType": "Activity",
        "definition": {
            "name": {"en-GB": "Announced"},
            "type": "http://adlnet.gov/expapi/activities/course",
        },
    }
    due_at = "2027-03-31T23:59:59+00:00"

    def expected(user, verb, display, timestamp, **extra):
        actor = {
            "objectType": "Agent",
            "account": {"homePage": "https://academy.example.org", "name": str(names[user.pk])},
        }
        return {
            "actor": actor,
            "verb": {"id": verb, "display": {"en-GB": display}},
            "object": course,
            "timestamp": timestamp,
            "context": {
                "contextActivities": {
                    "grouping": [
                        {
                            "id": assignment_activity(assignment).id,
                            "objectType": "Activity",
                            "definition": {"type": activity_type_assignment()},
                        }
                    ]
                },
                "extensions": {extension_due_date(): due_at, extension_mandatory(): True},
            },
            "version": "1.0.3",
            **extra,
        }

    stored = ours(assignment)
    for statement in stored:
        statement.pop("id")
    learner_row = rows[org.learner.pk]
    assigned_at = "2027-03-01T09:00:00+00:00"
    announced = {
        org.learner.pk: [
            expected(org.learner, verb_assigned(), "assigned", assigned_at),
            expected(
                org.learner,
                VERB_COMPLETED,
                "completed",
                learner_row.completed_at.isoformat(),
                result={"completion": True, "extensions": {extension_on_time(): True}},
            ),
        ],
        org.counter.pk: [expected(org.counter, verb_assigned(), "assigned", assigned_at)],
    }
    # Rows are announced in the order they were written; the missed due date comes last.
    in_order = sorted(rows.values(), key=lambda row: row.pk)
    assert stored == [
        *announced[in_order[0].user_id],
        *announced[in_order[1].user_id],
        expected(org.counter, verb_missed_due_date(), "missed due date", due_at),
    ]
    assert learner_row.completed_at == done
    assert set(
        AssignedPerson.objects.filter(assignment=assignment).values_list(
            "statement_sent", "missed_statement_sent"
        )
    ) == {(True, False), (True, True)}


def test_statements_name_nobody(training_lead, org):
    assignment_create(
        by=training_lead,
        item=org.course,
        audience=Audience.DEPARTMENT,
        department=org.crs,
        due_date=DUE,
        reason="All of CRS.",
        now=NOW,
    )
    assignment_statements_send(now=NOW)
    text = "\n".join(str(data) for data in Statement.objects.values_list("data", flat=True))
    people = [org.lead, org.learner, org.counter, org.crs_analyst]
    leaks = [
        value
        for person in people
        for value in (person.email, person.first_name + " ", person.last_name)
        if value in text
    ]
    assert (Statement.objects.filter(verb_id=verb_assigned()).count(), leaks) == (4, [])


def test_the_job_prints_what_it_did_and_finds_nothing_the_second_time(training_lead, org, capsys):
    assignment_create(
        by=training_lead,
        item=org.course,
        audience=Audience.DEPARTMENT,
        department=org.sub,
        due_date=date.today() + timedelta(days=7),
        reason="The counters.",
    )
    call_command("sync_assignments")
    call_command("sync_assignments")
    assert capsys.readouterr().out.splitlines() == [
        "joined 0, left 0, cycles opened 0, statements: assigned 1, missed due date 0",
        "joined 0, left 0, cycles opened 0, statements: assigned 0, missed due date 0",
    ]


def test_sending_a_row_again_stores_nothing_new(training_lead, org):
    assignment = assignment_create(
        by=training_lead,
        item=org.course,
        audience=Audience.PERSON,
        person=org.learner,
        due_date=DUE,
        reason="Just you.",
        now=NOW,
    )
    assignment_statements_send(now=NOW)
    stored = [statement["id"] for statement in ours(assignment)]
    # As after a crash between storing and marking: the same ids, so the store keeps one each.
    AssignedPerson.objects.filter(assignment=assignment).update(statement_sent=False)
    assert assignment_statements_send(now=NOW) == {"assigned": 1, "missed": 0}
    assert [statement["id"] for statement in ours(assignment)] == stored
