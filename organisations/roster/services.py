"""Importing a roster: read, check against the organisation, then apply in one transaction."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from organisations.models import Department
from organisations.roster.apply_bulk import roster_apply_in_bulk
from organisations.roster.apply_services import roster_apply_by_services
from organisations.roster.parse import roster_rows_read
from organisations.roster.plan import RosterPlan, roster_plan
from organisations.roster.state import organisation_state

# From this many changed people on, the bulk path writes them (one service call per person
# costs about a millisecond and a dozen queries).
BULK_FROM = 500
METHODS = ("auto", "services", "bulk")


class RosterChanged(Exception):
    """The organisation changed between the preview and the confirmation."""

    def __init__(self, plan: RosterPlan):
        self.plan = plan
        super().__init__("The change differs from the one previewed.")


def roster_import(
    *,
    content: bytes,
    file_name: str,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    actor: User | None = None,
    expected_fingerprint: str | None = None,
    today: date | None = None,
    method: str = "auto",
) -> RosterPlan:
    """Compare the roster with the organisation and, unless `dry_run`, apply the change.

    Raises RosterRefused (every problem, nothing written) or, when `expected_fingerprint`
    names a previewed change that is no longer the change to make, RosterChanged.
    """
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; use one of {', '.join(METHODS)}.")
    parsed = roster_rows_read(content)
    with transaction.atomic():
        if not dry_run:
            # One import at a time: a second one waits here and then plans against what the
            # first wrote (SQLite's write transactions already take turns).
            list(Department.objects.select_for_update().values_list("pk", flat=True))
        state = organisation_state()
        plan = roster_plan(
            parsed,
            state,
            file_name=file_name,
            today=today or timezone.localdate(),
            deactivate_missing=deactivate_missing,
        )
        if expected_fingerprint is not None and plan.fingerprint() != expected_fingerprint:
            raise RosterChanged(plan)
        if dry_run or not plan.writes_anything:
            return plan
        bulk = method == "bulk" or (
            method == "auto" and len(plan.changed_people) + len(plan.missing) >= BULK_FROM
        )
        if bulk:
            roster_apply_in_bulk(plan, state, actor=actor)
        else:
            roster_apply_by_services(plan, actor=actor)
    return plan
