"""Writes for required training: making and withdrawing assignments, keeping their audiences
current, recording completions, opening recertification cycles and sending their statements.
Each service is one transaction (the statement sender one per batch)."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from accounts.models import User
from assignments import xapi as assignment_xapi
from assignments.errors import AssignmentError, AssignmentRefused
from assignments.models import AUDIENCE_FIELDS, AssignedPerson, Assignment, Audience
from assignments.scope import can_assign, check_audience
from assignments.selectors import (
    VERSION_KEY,
    assignments_visible_to,
    audience_members,
    current_rows,
    holders_elsewhere,
    item_completions,
    people_in_post,
)
from assignments.status import add_months, counts_for_cycle
from courses.models import CoursePage, Enrolment, ProgrammeCompletion, ProgrammePage
from organisations.models import Department, JobRole

__all__ = [
    "AssignmentError",
    "AssignmentRefused",
    "assignment_audiences_sync",
    "assignment_completions_record",
    "assignment_create",
    "assignment_cycles_renew",
    "assignment_statements_send",
    "assignment_withdraw",
]

# Rows built in Python (renewed cycles, expiry dates) are written this many at a time.
INSERT_BATCH = 5000
# Page types an assignment may name.
ASSIGNABLE_PAGE_TYPES = (CoursePage, ProgrammePage)
# Audiences whose members change as people join and leave (a person or a chosen list do not).
GROWING_AUDIENCES = (Audience.TEAM, Audience.JOB_ROLE, Audience.DEPARTMENT, Audience.EVERYONE)
# What each audience's field is called in messages.
FIELD_NAMES = {
    # Translators: completes "An assignment to … cannot also name a …".
    "person": gettext_lazy("person"),
    "people": gettext_lazy("list of people"),
    "team_manager": gettext_lazy("line manager"),
    "job_role": gettext_lazy("job role"),
    "department": gettext_lazy("department"),
}
MISSING = {
    "person": gettext_lazy("Choose the person who must complete it."),
    "people": gettext_lazy("Choose at least one person."),
    "team_manager": gettext_lazy("Choose the line manager whose team must complete it."),
    "job_role": gettext_lazy("Choose the job role."),
    "department": gettext_lazy("Choose the department."),
}
MAX_DAYS = 366
MAX_MONTHS = 120


# An assignment reaching this many people refreshes the planner's statistics of the rows.
ANALYZE_AFTER_ROWS = 10_000


def _changed() -> None:
    """Tell readers of assignment figures that they changed, once this transaction commits:
    reports keyed on assignments.selectors.assignments_version compute afresh."""
    transaction.on_commit(_version_bump)


def _version_bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted: any new value is a new version
        cache.set(VERSION_KEY, int(timezone.now().timestamp() * 1_000_000), None)


def end_of_day(day: date) -> datetime:
    """The last second of a day in the site's time zone: "due by 31 March" means all of it."""
    return timezone.make_aware(
        datetime.combine(day, time(23, 59, 59)), timezone.get_default_timezone()
    )


def _next_due(due_at: datetime, months: int) -> datetime:
    # Months are counted on the local calendar, so a cycle stays due at the end of its day.
    local = timezone.localtime(due_at, timezone.get_default_timezone())
    return add_months(local, months)


def _window_opens(due_at: datetime, recurs_months: int | None, window_days: int) -> datetime | None:
    return due_at - timedelta(days=window_days) if recurs_months else None


# -- Making an assignment ----------------------------------------------------------------------


def _check_item(item: Page | None) -> Page:
    if item is None or not isinstance(item, Page):
        raise AssignmentError(_("Choose a course or programme."), "item")
    if not item.live or item.specific_class is None:
        raise AssignmentError(_("Choose a published course or programme."), "item")
    if not issubclass(item.specific_class, ASSIGNABLE_PAGE_TYPES):
        raise AssignmentError(_("Only a course or a programme can be assigned."), "item")
    return item


def _check_audience_fields(audience: str, given: dict) -> None:
    """Exactly the audience's own field is given (a job role may also name a department)."""
    if audience not in Audience.values:
        raise AssignmentError(_("Choose who must complete it."), "audience")
    own = "people" if audience == Audience.PEOPLE else AUDIENCE_FIELDS[Audience(audience)]
    allowed = {own, "department"} if audience == Audience.JOB_ROLE else {own}
    if own is not None and not given.get(own):
        raise AssignmentError(str(MISSING[own]), own)
    for field, value in given.items():
        if value and field not in allowed:
            raise AssignmentError(
                # Translators: "audience" is one of the audiences, such as "everyone in a
                # department"; "field" is what it cannot also name, such as "job role".
                _("An assignment to %(audience)s cannot also name a %(field)s.")
                % {"audience": Audience(audience).label.lower(), "field": FIELD_NAMES[field]},
                field,
            )


def _check_numbers(*, joiner_days: int, recurs_months: int | None, window_days: int) -> None:
    if not isinstance(joiner_days, int) or not 1 <= joiner_days <= MAX_DAYS:
        raise AssignmentError(
            _("Enter how many days people who join later have, from 1 to %(most)s.")
            % {"most": MAX_DAYS},
            "joiner_days",
        )
    if recurs_months is None:
        return
    if not isinstance(recurs_months, int) or not 1 <= recurs_months <= MAX_MONTHS:
        raise AssignmentError(
            _("Enter how many months until it is due again, from 1 to %(most)s.")
            % {"most": MAX_MONTHS},
            "recurs_months",
        )
    if not isinstance(window_days, int) or not 1 <= window_days <= MAX_DAYS:
        raise AssignmentError(
            _("Enter how many days before each due date a completion counts, from 1 to %(most)s.")
            % {"most": MAX_DAYS},
            "window_days",
        )


@transaction.atomic
def assignment_create(
    *,
    by: User,
    item: Page,
    audience: str,
    due_date: date | None,
    reason: str,
    mandatory: bool = False,
    person: User | None = None,
    team_manager: User | None = None,
    job_role: JobRole | None = None,
    department: Department | None = None,
    people: Iterable[User] | None = None,
    joiner_days: int = 30,
    recurs_months: int | None = None,
    window_days: int = 60,
    source: dict | None = None,
    now: datetime | None = None,
) -> Assignment:
    """Assign a live course or programme to an audience, due by the end of `due_date`.

    Raises AssignmentError (with the form field it is about) or AssignmentRefused (out of the
    person's scope, see assignments.scope) and writes nothing then. Otherwise writes the
    assignment and one row per person the audience reaches today, in one statement; the returned
    assignment's `reached` is how many. A person who already holds an unfinished row of another
    open assignment of the same item keeps that one instead. Completions already made count:
    any earlier one for a one-off assignment, for a recurring one only one within the first
    window (`window_days` before the due date). "Assigned" statements follow from
    assignment_statements_send, so a large audience does not wait for them."""
    _changed()
    now = now or timezone.now()
    if not can_assign(by):
        raise AssignmentRefused(_("You do not have permission to assign training."))
    _check_item(item)
    chosen = list(dict.fromkeys(people or ()))
    _check_audience_fields(
        audience,
        {
            "person": person,
            "team_manager": team_manager,
            "job_role": job_role,
            "department": department,
            "people": chosen,
        },
    )
    if person is not None and not person.is_active:
        raise AssignmentError(_("This person's account is closed: choose someone else."), "person")
    if due_date is None:
        raise AssignmentError(_("Enter the date it is due by."), "due_date")
    if due_date < timezone.localdate(now):
        raise AssignmentError(_("The due date must be today or in the future."), "due_date")
    reason = (reason or "").strip()
    if not reason:
        raise AssignmentError(_("Enter the reason learners will see."), "reason")
    _check_numbers(joiner_days=joiner_days, recurs_months=recurs_months, window_days=window_days)
    check_audience(
        by,
        audience,
        person=person,
        team_manager=team_manager,
        job_role=job_role,
        department=department,
        people=chosen,
    )
    assignment = Assignment.objects.create(
        item=item,
        audience=audience,
        person=person,
        team_manager=team_manager,
        job_role=job_role,
        department=department,
        due_date=due_date,
        joiner_days=joiner_days,
        mandatory=bool(mandatory),
        reason=reason,
        recurs_months=recurs_months,
        window_days=window_days,
        created_by=by,
        source=source or {},
    )
    members = people_in_post(timezone.localdate(now))
    if audience == Audience.PEOPLE:
        members = members.filter(pk__in=[each.pk for each in chosen])
    else:
        members = audience_members(assignment, today=timezone.localdate(now))
    assignment.reached = _rows_insert(
        assignment,
        members.exclude(pk__in=holders_elsewhere(assignment)),
        due_at=end_of_day(due_date),
        now=now,
    )
    return assignment


def _rows_insert(
    assignment: Assignment, members: QuerySet[User], *, due_at: datetime, now: datetime
) -> int:
    """Write one row for each of `members` (annotated with `next_cycle`, or cycle 1), all due
    at `due_at`, then count the completions already made; returns how many rows.

    One INSERT ... SELECT over the audience's own query: 100,000 rows are written by the
    database in a second or two, where building them as model instances takes most of a
    minute."""
    window_opens_at = _window_opens(due_at, assignment.recurs_months, assignment.window_days)
    if "next_cycle" not in members.query.annotations:
        members = members.annotate(next_cycle=Value(1))
    select, params = members.values("next_cycle", member_id=F("pk")).query.sql_with_params()
    ops, quote = connection.ops, connection.ops.quote_name
    columns = ", ".join(
        quote(column)
        for column in (
            "assignment_id",
            "user_id",
            "cycle",
            "assigned_at",
            "due_at",
            "window_opens_at",
            "statement_sent",
            "missed_statement_sent",
        )
    )
    table = quote(AssignedPerson._meta.db_table)
    values = "%s, member.member_id, member.next_cycle, %s, %s, %s, %s, %s"
    # Only quoted names and Django's own compiled query are formatted in; values are parameters.
    insert = f"INSERT INTO {table} ({columns}) SELECT {values} FROM ({select}) member"  # noqa: S608
    moments = [ops.adapt_datetimefield_value(m) for m in (now, due_at, window_opens_at)]
    with connection.cursor() as cursor:
        cursor.execute(insert, [assignment.pk, *moments, False, False, *params])
        written = cursor.rowcount
        if connection.vendor == "postgresql" and written >= ANALYZE_AFTER_ROWS:
            # The planner's statistics still describe the table before these rows: until
            # autovacuum catches up, reports over them pick plans that read every row per
            # person (a second for one page of learners at 100,000). ANALYZE sees this
            # transaction's own rows.
            cursor.execute(f"ANALYZE {table}")
    _earlier_completions_count(assignment, assigned_at=now, window_opens_at=window_opens_at)
    return written


def _earlier_completions_count(
    assignment: Assignment, *, assigned_at: datetime, window_opens_at: datetime | None
) -> None:
    """The rows just written are done already for people who completed the item before: any
    completion for a one-off assignment, one inside the window for a recurring one."""
    # Any attempt's completion, the latest first: one taken before a retake still counts.
    course_done = Enrolment.all_attempts.filter(
        user_id=OuterRef("user_id"), course_id=assignment.item_id, completed_at__isnull=False
    ).order_by("-completed_at")
    programme_done = ProgrammeCompletion.objects.filter(
        user_id=OuterRef("user_id"), programme_id=assignment.item_id
    )
    if window_opens_at is not None:
        course_done = course_done.filter(completed_at__gte=window_opens_at)
        programme_done = programme_done.filter(completed_at__gte=window_opens_at)
    new = AssignedPerson.objects.filter(
        assignment=assignment, assigned_at=assigned_at, completed_at__isnull=True
    )
    new.filter(Exists(course_done) | Exists(programme_done)).update(
        completed_at=Coalesce(
            Subquery(course_done.values("completed_at")[:1]),
            Subquery(programme_done.values("completed_at")[:1]),
        )
    )
    if assignment.recurs_months:
        # Few people have completed within the window when it first opens: dated one by one.
        done = list(
            AssignedPerson.objects.filter(
                assignment=assignment,
                assigned_at=assigned_at,
                completed_at__isnull=False,
                expires_at__isnull=True,
            )
        )
        for row in done:
            row.expires_at = _expiry(assignment, row.completed_at)
        AssignedPerson.objects.bulk_update(done, ["expires_at"], batch_size=INSERT_BATCH)


def _expiry(assignment: Assignment, completed_at: datetime | None) -> datetime | None:
    if completed_at is None or not assignment.recurs_months:
        return None
    return add_months(completed_at, assignment.recurs_months)


@transaction.atomic
def assignment_withdraw(*, by: User, assignment: Assignment, now: datetime | None = None) -> int:
    """Withdraw an assignment: its unfinished rows are removed (done ones stay, as history);
    returns how many were removed. Refused to anyone who may not see it."""
    _changed()
    now = now or timezone.now()
    if not assignments_visible_to(by).filter(pk=assignment.pk).exists():
        raise AssignmentRefused(_("You can only withdraw training assigned within your scope."))
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.withdrawn_at is not None:
        raise AssignmentError(_("This assignment has already been withdrawn."))
    locked.withdrawn_at = assignment.withdrawn_at = now
    locked.save(update_fields=["withdrawn_at"])
    return AssignedPerson.objects.filter(
        assignment=locked, removed_at__isnull=True, completed_at__isnull=True
    ).update(removed_at=now)


# -- Keeping audiences current -----------------------------------------------------------------


@transaction.atomic
def assignment_audiences_sync(*, now: datetime) -> dict[str, int]:
    """Bring every open assignment's rows in line with its audience today: people who joined a
    team, job role, department or the organisation get a row due `joiner_days` after today;
    people who left the audience, whose last working day passed or whose account was closed
    have their current rows removed. Running it twice changes nothing the second time.
    Someone who comes back gets a new row (the next cycle number). Returns the counts."""
    _changed()
    today = timezone.localdate(now)
    joined = left = 0
    for assignment in Assignment.objects.filter(withdrawn_at__isnull=True).order_by("pk"):
        members = audience_members(assignment, today=today)
        mine = AssignedPerson.objects.filter(assignment=assignment)
        left += (
            mine.filter(removed_at__isnull=True)
            .exclude(user_id__in=members.values("pk"))
            .update(removed_at=now)
        )
        if assignment.audience not in GROWING_AUDIENCES:
            continue
        last_cycle = mine.filter(user_id=OuterRef("pk")).values("user_id").annotate(c=Max("cycle"))
        joiners = (
            members.exclude(pk__in=mine.filter(removed_at__isnull=True).values("user_id"))
            .exclude(pk__in=holders_elsewhere(assignment))
            .annotate(next_cycle=Coalesce(Subquery(last_cycle.values("c")), 0) + 1)
        )
        due_at = end_of_day(today + timedelta(days=assignment.joiner_days))
        joined += _rows_insert(assignment, joiners, due_at=due_at, now=now)
    return {"joined": joined, "left": left}


# -- Completions and recertification -----------------------------------------------------------


@transaction.atomic
def assignment_completions_record(*, user: User, item: Page, completed_at: datetime) -> int:
    """A person completed a course or programme: their current unfinished rows for it whose
    window allows it are done as of `completed_at` (on time or late, by their due date), and
    their "completed" statements are stored (or follow their "assigned" ones). Returns how
    many rows it completed."""
    _changed()
    rows = list(
        current_rows()
        .select_for_update(of=("self",))
        .filter(user=user, assignment__item_id=item.pk, completed_at__isnull=True)
        .filter(Q(window_opens_at__isnull=True) | Q(window_opens_at__lte=completed_at))
        .select_related("assignment", "user")
    )
    for row in rows:
        row.completed_at = completed_at
        row.expires_at = _expiry(row.assignment, completed_at)
        row.save(update_fields=["completed_at", "expires_at"])
    # Rows whose "assigned" statement is still waiting get both from the statement job, in order.
    assignment_xapi.completed([row for row in rows if row.statement_sent])
    return len(rows)


@transaction.atomic
def assignment_cycles_renew(*, now: datetime) -> int:
    """Open the next cycle of every recurring row whose completion has expired: due
    `recurs_months` after the last due date, its window `window_days` before that. The expired
    row is closed (removed_at) as its successor opens, so readers see one current row per
    person and assignment. Returns how many cycles it opened."""
    _changed()
    expired = (
        current_rows()
        .filter(expires_at__lt=now, assignment__recurs_months__isnull=False)
        .select_related("assignment")
        .order_by("pk")
    )
    opened = 0
    completions: dict[int, dict[int, datetime]] = {}
    while batch := list(expired[:INSERT_BATCH]):
        successors = []
        for row in batch:
            assignment = row.assignment
            due_at = _next_due(row.due_at, assignment.recurs_months)
            window_opens_at = _window_opens(
                due_at, assignment.recurs_months, assignment.window_days
            )
            if assignment.item_id not in completions:
                completions[assignment.item_id] = item_completions(assignment.item_id)
            completed_at = completions[assignment.item_id].get(row.user_id)
            if not counts_for_cycle(completed_at, window_opens_at):
                completed_at = None
            successors.append(
                AssignedPerson(
                    assignment=assignment,
                    user_id=row.user_id,
                    cycle=row.cycle + 1,
                    assigned_at=now,
                    due_at=due_at,
                    window_opens_at=window_opens_at,
                    completed_at=completed_at,
                    expires_at=_expiry(assignment, completed_at),
                )
            )
        opened += len(AssignedPerson.objects.bulk_create(successors, ignore_conflicts=True))
        AssignedPerson.objects.filter(pk__in=[row.pk for row in batch]).update(removed_at=now)
    return opened


# -- Statements --------------------------------------------------------------------------------


def assignment_statements_send(*, batch: int = 1000, now: datetime | None = None) -> dict[str, int]:
    """Store the statements that are due, `batch` rows per transaction: "assigned" for every
    row not yet announced (with "completed" for a row done already), then "missed due date"
    once for every current row that passed its due date unfinished or finished late. Safe to
    run at once in two processes: rows are claimed with skip-locked where the database can."""
    now = now or timezone.now()
    sent = {"assigned": 0, "missed": 0}
    while count := _assigned_batch_send(batch):
        sent["assigned"] += count
    while count := _missed_batch_send(batch, now):
        sent["missed"] += count
    return sent


def _claim(rows: QuerySet[AssignedPerson], size: int) -> list[AssignedPerson]:
    # A second sender skips the rows the first holds rather than waiting to send them again.
    skip = {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
    return list(
        rows.select_for_update(of=("self",), **skip)
        .select_related("assignment__item", "user__learner_identity")
        .order_by("pk")[:size]
    )


@transaction.atomic
def _assigned_batch_send(size: int) -> int:
    rows = _claim(AssignedPerson.objects.filter(statement_sent=False), size)
    if not rows:
        return 0
    assignment_xapi.assigned(rows)
    AssignedPerson.objects.filter(pk__in=[row.pk for row in rows]).update(statement_sent=True)
    return len(rows)


@transaction.atomic
def _missed_batch_send(size: int, now: datetime) -> int:
    missed = current_rows().filter(missed_statement_sent=False, due_at__lt=now)
    missed = missed.filter(Q(completed_at__isnull=True) | Q(completed_at__gt=F("due_at")))
    rows = _claim(missed, size)
    if not rows:
        return 0
    assignment_xapi.missed_due_date(rows)
    AssignedPerson.objects.filter(pk__in=[row.pk for row in rows]).update(
        missed_statement_sent=True
    )
    return len(rows)
