"""Reads for required training: who an audience reaches, where each person stands (the SQL twin
of assignments.status), a learner's assigned items, an assignment's progress, and which
assignments a person may see.

Every reader counts a person's *current* rows: `removed_at IS NULL` on an assignment that is not
withdrawn. A person has at most one current row per assignment: leaving the audience, a
withdrawal and the opening of a recertification cycle each close the row before it.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from accounts.models import User
from assignments.models import AssignedPerson, Assignment, Audience
from assignments.scope import assigns_anyone, department_ids_within, led_department_ids
from assignments.status import DONE, Status
from courses.models import Enrolment, ProgrammeCompletion, ProgrammeCourse

# -- Audiences ---------------------------------------------------------------------------------


# Bumped whenever assignment rows change (assignments.services): a version, not a count.
VERSION_KEY = "assignments:version"


def assignments_version() -> int:
    """The current version of the assignment figures, for keys of what is computed from them."""
    return cache.get_or_set(VERSION_KEY, 0, None)


def people_in_post(today: date) -> QuerySet[User]:
    """Everyone an assignment can reach: active accounts whose recorded last working day, if
    any, has not passed."""
    return User.objects.filter(is_active=True).filter(
        Q(membership__leaving_date__isnull=True) | Q(membership__leaving_date__gte=today)
    )


def audience_members(assignment: Assignment, *, today: date) -> QuerySet[User]:
    """The people in an assignment's audience today, as one query (sub-departments included).

    A list of selected people is fixed when the assignment is made: here it is the people who
    hold a row of it (so only leavers change it)."""
    people = people_in_post(today)
    audience = assignment.audience
    if audience == Audience.PERSON:
        return people.filter(pk=assignment.person_id)
    if audience == Audience.PEOPLE:
        return people.filter(pk__in=assignment.people.values("user_id"))
    if audience == Audience.TEAM:
        return people.filter(membership__line_manager_id=assignment.team_manager_id)
    if audience == Audience.JOB_ROLE:
        people = people.filter(membership__job_role_id=assignment.job_role_id)
        if assignment.department_id is not None:
            within = department_ids_within([assignment.department_id])
            people = people.filter(membership__department_id__in=within)
        return people
    if audience == Audience.DEPARTMENT:
        within = department_ids_within([assignment.department_id])
        return people.filter(membership__department_id__in=within)
    return people


def holders_elsewhere(assignment: Assignment) -> QuerySet[AssignedPerson]:
    """User ids of the people with a current, unfinished row of another open assignment of the
    same item: they keep that one, so they get no second row for the same work."""
    return (
        AssignedPerson.objects.filter(
            assignment__item_id=assignment.item_id,
            assignment__withdrawn_at__isnull=True,
            removed_at__isnull=True,
            completed_at__isnull=True,
        )
        .exclude(assignment_id=assignment.pk)
        .values("user_id")
    )


def item_completions(item_id: int) -> dict[int, datetime]:
    """When each person last completed a course or a programme (by page id), by user id."""
    # Every attempt, oldest first, so a person's latest completion is the one kept.
    completed = dict(
        Enrolment.all_attempts.filter(course_id=item_id, completed_at__isnull=False)
        .order_by("completed_at")
        .values_list("user_id", "completed_at")
    )
    completed.update(
        ProgrammeCompletion.objects.filter(programme_id=item_id).values_list(
            "user_id", "completed_at"
        )
    )
    return completed


# -- Status in SQL -----------------------------------------------------------------------------


def _started() -> Exists:
    """Whether the row's person has started on this cycle: enrolled on its course (or on any
    course of its programme) and not finished, or finished since the cycle's window opened. A
    course finished before a recurring cycle's window counts for nothing in this cycle."""
    in_programme = ProgrammeCourse.objects.filter(
        programme_id=OuterRef(OuterRef("assignment__item_id"))
    ).values("course_id")
    return Exists(
        Enrolment.objects.filter(
            Q(course_id=OuterRef("assignment__item_id")) | Q(course_id__in=in_programme),
            Q(completed_at__isnull=True) | Q(completed_at__gte=OuterRef("window_opens_at")),
            user_id=OuterRef("user_id"),
        )
    )


def _enrolled() -> Exists:
    """Whether the row's person is enrolled on its course or on any course of its programme."""
    in_programme = ProgrammeCourse.objects.filter(
        programme_id=OuterRef(OuterRef("assignment__item_id"))
    ).values("course_id")
    return Exists(
        Enrolment.objects.filter(
            Q(course_id=OuterRef("assignment__item_id")) | Q(course_id__in=in_programme),
            user_id=OuterRef("user_id"),
        )
    )


def with_status(rows: QuerySet[AssignedPerson], *, now: datetime) -> QuerySet[AssignedPerson]:
    """`rows` annotated with `status` (a Status value): assignments.status.status_of in SQL, for
    reports over many rows. Recurring rows carry their expiry (`expires_at`) from the moment
    their completion is recorded, so no date arithmetic happens in the database."""
    counted = Q(completed_at__isnull=False) & (
        Q(window_opens_at__isnull=True) | Q(completed_at__gte=F("window_opens_at"))
    )
    return rows.annotate(
        status=Case(
            When(counted & Q(expires_at__lt=now), then=Value(Status.EXPIRED.value)),
            When(counted & Q(completed_at__lte=F("due_at")), then=Value(Status.DONE_ON_TIME.value)),
            When(counted, then=Value(Status.DONE_LATE.value)),
            When(due_at__lt=now, then=Value(Status.OVERDUE.value)),
            # Without a window every enrolment counts; with one, only work since it opened.
            When(
                Q(window_opens_at__isnull=True) & _enrolled(), then=Value(Status.IN_PROGRESS.value)
            ),
            When(_started(), then=Value(Status.IN_PROGRESS.value)),
            default=Value(Status.NOT_STARTED.value),
        )
    )


def current_rows() -> QuerySet[AssignedPerson]:
    """Every current row: not removed, of an assignment not withdrawn."""
    return AssignedPerson.objects.filter(
        removed_at__isnull=True, assignment__withdrawn_at__isnull=True
    )


# -- For learners, pages and reports -----------------------------------------------------------


@dataclass(frozen=True)
class AssignedItem:
    """One thing a learner has been asked to complete."""

    assigned_person_id: int
    assignment_id: int
    item_id: int
    title: str
    url: str | None
    due_at: datetime
    mandatory: bool
    reason: str
    status: Status
    cycle: int
    completed_at: datetime | None
    # A recurring course due again whose person completed it before this cycle: they take it
    # again (a fresh attempt) to meet it.
    retake: bool = False

    @property
    def done(self) -> bool:
        return self.status in DONE


# Overdue first, then what is due soonest; done items last.
_ORDER = {
    Status.OVERDUE: 0,
    Status.EXPIRED: 1,
    Status.IN_PROGRESS: 2,
    Status.NOT_STARTED: 2,
    Status.DONE_LATE: 3,
    Status.DONE_ON_TIME: 3,
}


def assigned_items_for(user: User, now: datetime) -> list[AssignedItem]:
    """All of a learner's current assigned items with their status, done ones included,
    overdue first, then by due date, done ones last. Only the person's own rows: nobody else's
    status is ever part of it. One query (and Wagtail's cached site root for the urls)."""
    completed_before = Enrolment.objects.filter(
        user_id=OuterRef("user_id"),
        course_id=OuterRef("assignment__item_id"),
        completed_at__isnull=False,
    )
    rows = (
        with_status(current_rows().filter(user=user), now=now)
        .annotate(completed_before=Exists(completed_before))
        .select_related("assignment__item")
        .order_by("due_at", "pk")
    )
    items = [
        AssignedItem(
            assigned_person_id=row.pk,
            assignment_id=row.assignment_id,
            item_id=row.assignment.item_id,
            title=row.assignment.item.title,
            url=row.assignment.item.get_url(),
            due_at=row.due_at,
            mandatory=row.assignment.mandatory,
            reason=row.assignment.reason,
            status=Status(row.status),
            cycle=row.cycle,
            completed_at=row.completed_at,
            retake=(
                row.assignment.recurs_months is not None
                and row.completed_before
                and Status(row.status) not in DONE
            ),
        )
        for row in rows
    ]
    return sorted(items, key=lambda item: _ORDER[item.status])


def open_items_for(user: User, now: datetime) -> list[AssignedItem]:
    """A learner's assigned items still to do (not started, in progress, overdue, or expired
    and waiting for the next cycle), overdue first, then by due date."""
    return [item for item in assigned_items_for(user, now) if not item.done]


def assignment_progress(assignment: Assignment, now: datetime) -> dict[Status, int]:
    """How many of an assignment's people stand where, every status present (zero when nobody
    does). Rows removed are left out; a withdrawn assignment keeps the rows already done. One
    query."""
    counts = dict.fromkeys(Status, 0)
    rows = AssignedPerson.objects.filter(assignment=assignment, removed_at__isnull=True)
    for row in with_status(rows, now=now).values("status").annotate(n=Count("pk")):
        counts[Status(row["status"])] = row["n"]
    return counts


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    """Assignments a person may see and manage: every one for training leads, the CTO office
    and administrators; for a department lead those whose audience lies inside the departments
    they were granted (or that they made themselves); none for anyone else."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    if assigns_anyone(user):
        return Assignment.objects.all()
    inside = led_department_ids(user)
    if not inside:
        return Assignment.objects.none()
    rows = AssignedPerson.objects.filter(assignment_id=OuterRef("pk"))
    outsiders = rows.exclude(user__membership__department_id__in=inside)
    return Assignment.objects.filter(
        Q(created_by=user)
        | Q(audience__in=[Audience.DEPARTMENT, Audience.JOB_ROLE], department_id__in=inside)
        | Q(audience=Audience.TEAM, team_manager=user)
        | Q(audience=Audience.PERSON, person__membership__department_id__in=inside)
        | (Q(audience=Audience.PEOPLE) & Exists(rows) & ~Exists(outsiders))
    )
