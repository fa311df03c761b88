"""The status rule: a table of cases for the pure function, and its SQL twin agreeing with it
row by row at several moments."""

from datetime import UTC, datetime, timedelta

import pytest

from assignments.models import AssignedPerson, Assignment, Audience
from assignments.selectors import with_status
from assignments.status import Status, add_months, status_of
from courses.services import enrolment_create
from tests.assignments.helpers import tiny_course
from tests.factories import make_person

SHARED = ("training_lead",)

DUE = datetime(2027, 3, 31, 23, 59, 59, tzinfo=UTC)
BEFORE = DUE - timedelta(days=10)
AFTER = DUE + timedelta(days=10)
WINDOW = DUE - timedelta(days=60)

# (what, row fields, now, started, expected)
CASES = [
    ("nothing yet", {}, BEFORE, False, Status.NOT_STARTED),
    ("enrolled", {}, BEFORE, True, Status.IN_PROGRESS),
    ("due this very second", {}, DUE, False, Status.NOT_STARTED),
    ("past due, never enrolled", {}, AFTER, False, Status.OVERDUE),
    ("past due, enrolled", {}, AFTER, True, Status.OVERDUE),
    ("done before due", {"completed_at": BEFORE}, BEFORE, True, Status.DONE_ON_TIME),
    ("done on the due second", {"completed_at": DUE}, AFTER, True, Status.DONE_ON_TIME),
    ("done after due", {"completed_at": AFTER}, AFTER, True, Status.DONE_LATE),
    (
        "done long before a one-off was assigned",
        {"completed_at": DUE - timedelta(days=900)},
        AFTER,
        False,
        Status.DONE_ON_TIME,
    ),
    (
        "recurring, done in the window",
        {"completed_at": BEFORE, "window_opens_at": WINDOW, "recurs_months": 12},
        AFTER,
        True,
        Status.DONE_ON_TIME,
    ),
    (
        "recurring, done before the window opened",
        {
            "completed_at": WINDOW - timedelta(seconds=1),
            "window_opens_at": WINDOW,
            "recurs_months": 12,
        },
        AFTER,
        True,
        Status.OVERDUE,
    ),
    (
        "recurring, done as the window opened",
        {"completed_at": WINDOW, "window_opens_at": WINDOW, "recurs_months": 12},
        BEFORE,
        True,
        Status.DONE_ON_TIME,
    ),
    (
        "recurring, done late",
        {"completed_at": AFTER, "window_opens_at": WINDOW, "recurs_months": 12},
        AFTER,
        True,
        Status.DONE_LATE,
    ),
    (
        "recurring, on the day it lapses",
        {"completed_at": BEFORE, "window_opens_at": WINDOW, "recurs_months": 12},
        add_months(BEFORE, 12),
        True,
        Status.DONE_ON_TIME,
    ),
    (
        "recurring, lapsed",
        {"completed_at": BEFORE, "window_opens_at": WINDOW, "recurs_months": 12},
        add_months(BEFORE, 12) + timedelta(seconds=1),
        True,
        Status.EXPIRED,
    ),
    (
        "one-off never lapses",
        {"completed_at": BEFORE},
        add_months(BEFORE, 120),
        True,
        Status.DONE_ON_TIME,
    ),
]


@pytest.mark.parametrize(
    ("fields", "now", "started", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_status_of(fields, now, started, expected):
    assert status_of(due_at=DUE, now=now, started=started, **fields) == expected


def test_status_labels_read_as_plain_words():
    assert [(status.value, status.label) for status in Status] == [
        ("not_started", "Not started"),
        ("in_progress", "In progress"),
        ("overdue", "Overdue"),
        ("done_on_time", "Done on time"),
        ("done_late", "Done late"),
        ("expired", "Expired"),
    ]


def test_add_months_keeps_to_the_end_of_short_months():
    moment = datetime(2027, 1, 31, 23, 59, 59, tzinfo=UTC)
    assert [add_months(moment, n) for n in (1, 13)] == [
        datetime(2027, 2, 28, 23, 59, 59, tzinfo=UTC),
        datetime(2028, 2, 29, 23, 59, 59, tzinfo=UTC),
    ]


@pytest.fixture(scope="module", autouse=True)
def catalogue(shared):
    return shared.build(
        lambda: tiny_course("status-course", "Status course", owner=shared["training_lead"])
    )


def test_sql_status_agrees_with_the_rule_row_by_row(catalogue, training_lead):
    """Every case of the table as a row, each for a person of its own (enrolled when the case
    is started), read back through with_status at each case's moment."""
    one_off = Assignment.objects.create(
        item=catalogue, audience=Audience.EVERYONE, due_date=DUE.date(), reason="Why."
    )
    recurring = Assignment.objects.create(
        item=catalogue,
        audience=Audience.EVERYONE,
        due_date=DUE.date(),
        reason="Why.",
        recurs_months=12,
    )
    rows = {}
    for what, fields, _now, started, _expected in CASES:
        user = make_person()
        if started:
            enrolment_create(user=user, course=catalogue)
        recurs = fields.get("recurs_months")
        completed_at = fields.get("completed_at")
        row = AssignedPerson.objects.create(
            assignment=recurring if recurs else one_off,
            user=user,
            assigned_at=BEFORE,
            due_at=DUE,
            window_opens_at=fields.get("window_opens_at"),
            completed_at=completed_at,
            expires_at=add_months(completed_at, recurs) if recurs and completed_at else None,
        )
        rows[row.pk] = what
    moments = sorted({case[2] for case in CASES})
    for now in moments:
        read = dict(
            with_status(AssignedPerson.objects.filter(pk__in=rows), now=now).values_list(
                "pk", "status"
            )
        )
        expected = {
            pk: status_of(due_at=DUE, now=now, started=started, **fields).value
            for pk, (what, fields, _, started, _) in zip(rows, CASES, strict=True)
        }
        assert read == expected, now
