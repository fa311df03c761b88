"""Each assigned person's current cycle, with their status at a moment computed in SQL by the
one rule of required training (assignments.status, through assignments.selectors.with_status),
so a report counts any number of people in one query."""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from assignments.models import AssignedPerson
from assignments.selectors import current_rows, with_status
from assignments.status import Status

# The statuses in the order pages and files show them.
STATUS_ORDER = [
    Status.DONE_ON_TIME,
    Status.DONE_LATE,
    Status.OVERDUE,
    Status.IN_PROGRESS,
    Status.NOT_STARTED,
    Status.EXPIRED,
]


def current_cycles(rows: QuerySet[AssignedPerson] | None = None) -> QuerySet[AssignedPerson]:
    """`rows` (every row when None) that are current (not removed, of an assignment not
    withdrawn), each person's latest cycle only: an earlier cycle is history."""
    later = AssignedPerson.objects.filter(
        assignment=OuterRef("assignment"),
        user=OuterRef("user"),
        cycle__gt=OuterRef("cycle"),
        removed_at__isnull=True,
    )
    current = current_rows().filter(~Exists(later))
    return current if rows is None else current.filter(pk__in=rows.values("pk"))


def with_statuses(rows: QuerySet[AssignedPerson], *, now: datetime) -> QuerySet[AssignedPerson]:
    """The current cycles among `rows`, annotated with `status` at `now`."""
    return with_status(current_cycles(rows), now=now)


def open_mandatory(*, now: datetime) -> QuerySet[AssignedPerson]:
    """Every person's current cycle of every open mandatory assignment, with their status."""
    return with_statuses(AssignedPerson.objects.filter(assignment__mandatory=True), now=now)
