"""Making an assignment: what is refused (and then nothing is written), who each audience
reaches, and what a person brings with them (a row held elsewhere, a completion made already)."""

from datetime import UTC, date, datetime

import pytest

from accounts.models import User
from assignments.errors import AssignmentError, AssignmentRefused
from assignments.models import AssignedPerson, Assignment, Audience
from assignments.services import assignment_create
from assignments.status import add_months
from courses.selectors import course_lessons
from tests.assignments.helpers import NOW, complete_course, organisation_of, tiny_course

SHARED = (
    "department",
    "other_department",
    "job_role",
    "department_lead",
    "learner",
    "training_lead",
    "cto_office",
)

pytestmark = pytest.mark.django_db

DUE = date(2027, 3, 31)


@pytest.fixture(scope="module", autouse=True)
def org(shared):
    def build():
        made = organisation_of(shared)
        made.course = tiny_course("required", "Required course", owner=shared["training_lead"])
        return made

    return shared.build(build)


def create(by, org, **changes):
    fields = {
        "by": by,
        "item": org.course,
        "audience": Audience.DEPARTMENT,
        "department": org.crs,
        "due_date": DUE,
        "reason": "Everyone handling records must know the basics.",
        "now": NOW,
    }
    fields.update(changes)
    return assignment_create(**fields)


def reached(assignment) -> set[int]:
    return set(
        AssignedPerson.objects.filter(assignment=assignment).values_list("user_id", flat=True)
    )


# (what, changes, message, field); every change is made by a training lead unless it says.
BAD = [
    ("no item", {"item": None}, "Choose a course or programme.", "item"),
    ("a lesson", {"item": "lesson"}, "Only a course or a programme can be assigned.", "item"),
    ("a draft", {"item": "draft"}, "Choose a published course or programme.", "item"),
    ("unknown audience", {"audience": "friends"}, "Choose who must complete it.", "audience"),
    (
        "person missing",
        {"audience": Audience.PERSON, "department": None},
        "Choose the person who must complete it.",
        "person",
    ),
    (
        "person and a department",
        {"audience": Audience.PERSON, "person": "learner"},
        "An assignment to one person cannot also name a department.",
        "department",
    ),
    (
        "department and a job role",
        {"job_role": "officer"},
        "An assignment to everyone in a department cannot also name a job role.",
        "job_role",
    ),
    (
        "team and a person",
        {
            "audience": Audience.TEAM,
            "department": None,
            "team_manager": "lead",
            "person": "learner",
        },
        "An assignment to a line manager's team cannot also name a person.",
        "person",
    ),
    (
        "no people",
        {"audience": Audience.PEOPLE, "department": None, "people": []},
        "Choose at least one person.",
        "people",
    ),
    (
        "job role missing",
        {"audience": Audience.JOB_ROLE},
        "Choose the job role.",
        "job_role",
    ),
    (
        "everyone and a department",
        {"audience": Audience.EVERYONE},
        "An assignment to everyone cannot also name a department.",
        "department",
    ),
    (
        "a closed account",
        {"audience": Audience.PERSON, "department": None, "person": "closed"},
        "This person's account is closed: choose someone else.",
        "person",
    ),
    ("no due date", {"due_date": None}, "Enter the date it is due by.", "due_date"),
    (
        "due yesterday",
        {"due_date": date(2027, 2, 28)},
        "The due date must be today or in the future.",
        "due_date",
    ),
    ("blank reason", {"reason": "  \n"}, "Enter the reason learners will see.", "reason"),
    (
        "no days for joiners",
        {"joiner_days": 0},
        "Enter how many days people who join later have, from 1 to 366.",
        "joiner_days",
    ),
    (
        "recurs every 0 months",
        {"recurs_months": 0},
        "Enter how many months until it is due again, from 1 to 120.",
        "recurs_months",
    ),
    (
        "a window of no days",
        {"recurs_months": 12, "window_days": 0},
        "Enter how many days before each due date a completion counts, from 1 to 366.",
        "window_days",
    ),
    (
        "a lead outside their department",
        {"by": "lead", "department": "fin"},
        "You can only assign training to people in the departments you lead.",
        None,
    ),
    (
        "a learner",
        {"by": "learner"},
        "You do not have permission to assign training.",
        None,
    ),
]


def _resolve(value, org):
    if value == "lesson":
        return course_lessons(org.course)[0]
    if value == "draft":
        # A copy of its own: the module's course object is shared by every test.
        draft = type(org.course).objects.get(pk=org.course.pk)
        draft.unpublish()
        return draft
    if value in ("learner", "lead", "fin", "officer", "closed"):
        return getattr(org, value)
    return value


@pytest.mark.parametrize(
    ("changes", "message", "field"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_create_refuses_with_a_message_and_writes_nothing(
    training_lead, org, changes, message, field
):
    changes = {key: _resolve(value, org) for key, value in changes.items()}
    changes.setdefault("by", training_lead)
    before = (Assignment.objects.count(), AssignedPerson.objects.count())
    with pytest.raises(AssignmentError) as raised:
        create(org=org, **changes)
    assert (raised.value.message, raised.value.field) == (message, field)
    assert isinstance(raised.value, AssignmentRefused) == (field is None)
    assert (Assignment.objects.count(), AssignedPerson.objects.count()) == before


def test_each_audience_reaches_the_people_in_it_today(training_lead, cto_office, org):
    """Sub-departments included; closed accounts and people whose last day passed left out."""
    officer_crs = {org.lead.pk, org.learner.pk, org.counter.pk}
    everyone = set(User.objects.filter(is_active=True).values_list("pk", flat=True)) - {
        org.leaver.pk
    }
    kinds = {
        "person": {"audience": Audience.PERSON, "department": None, "person": org.learner},
        "people": {
            "audience": Audience.PEOPLE,
            "department": None,
            "people": [org.learner, org.fin_officer, org.closed, org.learner],
        },
        "team": {"audience": Audience.TEAM, "department": None, "team_manager": org.lead},
        "role everywhere": {
            "audience": Audience.JOB_ROLE,
            "department": None,
            "job_role": org.officer,
        },
        "role in CRS": {"audience": Audience.JOB_ROLE, "job_role": org.officer},
        "CRS": {},
        "CRS-SUB": {"department": org.sub},
        "everyone": {"audience": Audience.EVERYONE, "department": None},
    }
    found = {}
    for name, changes in kinds.items():
        assignment = create(training_lead, org, **changes)
        found[name] = (assignment.reached, reached(assignment))
        # Withdrawn, so that the next finds nobody holding a row of the same course already.
        Assignment.objects.filter(pk=assignment.pk).update(withdrawn_at=NOW)
    assert found == {
        "person": (1, {org.learner.pk}),
        "people": (2, {org.learner.pk, org.fin_officer.pk}),
        "team": (2, {org.learner.pk, org.counter.pk}),
        "role everywhere": (4, officer_crs | {org.fin_officer.pk}),
        "role in CRS": (3, officer_crs),
        "CRS": (4, officer_crs | {org.crs_analyst.pk}),
        "CRS-SUB": (1, {org.counter.pk}),
        "everyone": (len(everyone), everyone),
    }


def test_rows_are_due_at_the_end_of_the_due_date_where_the_site_is(training_lead, org, settings):
    settings.TIME_ZONE = "Europe/Paris"  # summer time from 28 March 2027: UTC+2
    assignment = create(training_lead, org, recurs_months=12, window_days=30, mandatory=True)
    rows = AssignedPerson.objects.filter(assignment=assignment).order_by("user_id")
    due_at = datetime(2027, 3, 31, 21, 59, 59, tzinfo=UTC)
    # Thirty days earlier on the local calendar, in winter time.
    window_opens_at = datetime(2027, 3, 1, 22, 59, 59, tzinfo=UTC)
    assert {
        (
            row.cycle,
            row.assigned_at,
            row.due_at,
            row.window_opens_at,
            row.completed_at,
            row.removed_at,
            row.statement_sent,
        )
        for row in rows
    } == {(1, NOW, due_at, window_opens_at, None, None, False)}
    assert rows.count() == 4
    assignment.refresh_from_db()
    assert (assignment.created_by, assignment.mandatory, assignment.source) == (
        training_lead,
        True,
        {},
    )


def test_a_department_lead_assigns_inside_their_department(department_lead, org):
    assignment = create(department_lead, org, department=org.sub, source={"competency": "DA.1"})
    assert (reached(assignment), assignment.created_by, assignment.source) == (
        {org.counter.pk},
        department_lead,
        {"competency": "DA.1"},
    )


def test_a_person_holding_the_same_item_elsewhere_keeps_that_row(training_lead, cto_office, org):
    first = create(
        training_lead, org, audience=Audience.PERSON, department=None, person=org.learner
    )
    second = create(cto_office, org)
    assert (reached(first), reached(second)) == (
        {org.learner.pk},
        {org.lead.pk, org.counter.pk, org.crs_analyst.pk},
    )


def test_completions_already_made_count_once_the_window_allows(training_lead, org):
    done = complete_course(org.learner, org.course).completed_at
    one_off = create(training_lead, org)
    # The first window opens 60 days before 31 March 2027: after the completion.
    recurring = create(training_lead, org, recurs_months=12)
    # Withdrawn, or the learner would keep its unfinished row rather than get another.
    Assignment.objects.filter(pk=recurring.pk).update(withdrawn_at=NOW)
    # A window of 366 days opens before it.
    wide = create(training_lead, org, recurs_months=12, window_days=366)

    def completion(assignment):
        row = AssignedPerson.objects.get(assignment=assignment, user=org.learner)
        return row.completed_at, row.expires_at

    assert [completion(each) for each in (one_off, recurring, wide)] == [
        (done, None),
        (None, None),
        (done, add_months(done, 12)),
    ]


@pytest.mark.django_db
def test_a_large_assignment_refreshes_the_planners_statistics_on_postgresql(
    training_lead, org, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the planner's statistics are PostgreSQL's")
    monkeypatch.setattr("assignments.services.ANALYZE_AFTER_ROWS", 2)

    def analyzed(**audience) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assignment_create(
                by=training_lead,
                item=org.course,
                due_date=date(2099, 3, 31),
                reason="Everyone handles data.",
                **audience,
            )
        return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]

    assert analyzed(audience=Audience.PERSON, person=org.learner) == []
    assert analyzed(audience=Audience.EVERYONE) == ['ANALYZE "assignments_assignedperson"']
