"""The one rule for where a person stands on an assignment at a moment: a pure function of
their row, the moment and whether they have started (selectors.with_status is its SQL twin)."""

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    OVERDUE = "overdue", _("Overdue")
    DONE_ON_TIME = "done_on_time", _("Done on time")
    DONE_LATE = "done_late", _("Done late")
    EXPIRED = "expired", _("Expired")


DONE = frozenset({Status.DONE_ON_TIME, Status.DONE_LATE})


def add_months(moment: datetime, months: int) -> datetime:
    """The same wall-clock time `months` later (31 January + 1 month is 28 or 29 February)."""
    return moment + relativedelta(months=months)


def counts_for_cycle(completed_at: datetime | None, window_opens_at: datetime | None) -> bool:
    """Whether a completion satisfies a cycle: one-off cycles take any completion, a recurring
    cycle only one made on or after its window opened."""
    if completed_at is None:
        return False
    return window_opens_at is None or completed_at >= window_opens_at


def status_of(
    *,
    due_at: datetime,
    now: datetime,
    started: bool,
    completed_at: datetime | None = None,
    window_opens_at: datetime | None = None,
    recurs_months: int | None = None,
) -> Status:
    """Where a person stands on one cycle at `now`; `started`: they are enrolled on the course
    (or on a course of the programme). Removed rows are the caller's to leave out."""
    if counts_for_cycle(completed_at, window_opens_at):
        if recurs_months and now > add_months(completed_at, recurs_months):
            return Status.EXPIRED
        return Status.DONE_ON_TIME if completed_at <= due_at else Status.DONE_LATE
    if now > due_at:
        return Status.OVERDUE
    return Status.IN_PROGRESS if started else Status.NOT_STARTED
