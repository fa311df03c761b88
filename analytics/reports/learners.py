"""The training lead's learner report: every learner of a course with their progress, checks,
time, last activity, place in the organisation and assignment, filtered and paged in SQL.

Time spent is the planned time (`LessonPage.duration_minutes`) of the lessons a learner has
completed: every completion records which lesson it was, while statements carry a duration
only for some package content, so a clock-based figure would undercount most courses.

A page of rows costs the same few queries however many rows it holds: the learners with their
figures in one query (correlated subqueries), their assignments in a second.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from accounts.models import User
from analytics.reports import assigned
from assignments.models import AssignedPerson, Assignment
from assignments.status import Status
from courses.figures import share_text
from courses.models import (
    CoursePage,
    Enrolment,
    KnowledgeCheckAttempt,
    LessonCompletion,
    LessonVisit,
)
from courses.selectors import lesson_counts
from organisations.models import Department

COURSE_STATUS = {
    "completed": "Completed",
    "in_progress": "In progress",
    "not_started": "Not started",
}
ASSIGNED, NOT_ASSIGNED = "assigned", "not-assigned"


@dataclass(frozen=True)
class LearnerFilters:
    department: str = ""  # a department's code: that department and those inside it
    job_role: str = ""  # a job role's code
    assignment: str = ""  # "", ASSIGNED, NOT_ASSIGNED or the id of one of the item's assignments


@dataclass(frozen=True)
class LearnerRow:
    user_id: int
    name: str
    email: str
    department: str
    job_role: str
    status: str
    progress: str
    attempts: int
    best_score: str
    minutes: int
    last_activity: datetime | None
    assigned: bool
    due_at: datetime | None
    assignment_status: str


def department_codes_within(code: str) -> list[str]:
    """`code` and every department inside it, at any depth (one query)."""
    children: dict[str | None, list[str]] = {}
    for child, parent in Department.objects.values_list("code", "parent__code"):
        children.setdefault(parent, []).append(child)
    found, waiting = [], [code]
    while waiting:
        current = waiting.pop()
        found.append(current)
        waiting.extend(children.get(current, []))
    return found


def _per_enrolment(rows: QuerySet, value, *, course: CoursePage) -> Subquery:
    """One aggregate of `rows` over the outer learner's enrolment on `course`."""
    return Subquery(
        rows.filter(enrolment__user=OuterRef("pk"), enrolment__course=course)
        .order_by()
        .values("enrolment")
        .annotate(value=value)
        .values("value")
    )


def open_assignments(course: CoursePage) -> QuerySet[AssignedPerson]:
    return assigned.current_cycles().filter(assignment__item_id=course.pk)


def learners(course: CoursePage, filters: LearnerFilters = LearnerFilters()) -> QuerySet[User]:
    """Everyone enrolled on the course or assigned it, filtered, by name, annotated with their
    figures (see `learner_rows`)."""
    enrolment = Enrolment.objects.filter(user=OuterRef("pk"), course=course)
    assignment_rows = open_assignments(course).filter(user=OuterRef("pk"))
    people = User.objects.filter(Exists(enrolment) | Exists(assignment_rows))
    if filters.department:
        people = people.filter(
            membership__department__code__in=department_codes_within(filters.department)
        )
    if filters.job_role:
        people = people.filter(membership__job_role__code=filters.job_role)
    if filters.assignment == ASSIGNED:
        people = people.filter(Exists(assignment_rows))
    elif filters.assignment == NOT_ASSIGNED:
        people = people.filter(~Exists(assignment_rows))
    elif filters.assignment:
        people = people.filter(Exists(assignment_rows.filter(assignment_id=filters.assignment)))
    enrolled_at = Subquery(enrolment.values("enrolled_at"))
    score = Cast(F("correct"), FloatField()) * 100 / Cast(F("total"), FloatField())
    activity = [
        _per_enrolment(LessonVisit.objects, Max("first_visited_at"), course=course),
        _per_enrolment(LessonCompletion.objects, Max("completed_at"), course=course),
        _per_enrolment(KnowledgeCheckAttempt.objects, Max("submitted_at"), course=course),
        Subquery(enrolment.values("completed_at")),
    ]
    return people.annotate(
        department_name=F("membership__department__name"),
        job_role_name=F("membership__job_role__name"),
        enrolled_at=enrolled_at,
        course_completed_at=Subquery(enrolment.values("completed_at")),
        lessons_done=Coalesce(
            _per_enrolment(LessonCompletion.objects, Sum(Value(1)), course=course),
            0,
            output_field=IntegerField(),
        ),
        minutes=Coalesce(
            _per_enrolment(
                LessonCompletion.objects, Sum("lesson__duration_minutes"), course=course
            ),
            0,
            output_field=IntegerField(),
        ),
        attempts=Coalesce(
            _per_enrolment(KnowledgeCheckAttempt.objects, Sum(Value(1)), course=course),
            0,
            output_field=IntegerField(),
        ),
        best_score=_per_enrolment(
            KnowledgeCheckAttempt.objects.filter(total__gt=0), Max(score), course=course
        ),
        # NULLs are read as the enrolment itself: Greatest() on SQLite is NULL if any part is.
        last_activity=Greatest(*(Coalesce(part, enrolled_at) for part in activity)),
    ).order_by("last_name", "first_name", "pk")


def learner_rows(
    course: CoursePage,
    people: list[User],
    *,
    among: QuerySet[User] | None = None,
    now: datetime | None = None,
) -> list[LearnerRow]:
    """The rows of the given (annotated) learners: one more query for their assignments, of
    the people in `among` (the whole filtered list, read as a subquery) or else in `people`."""
    now = now or timezone.now()
    total = lesson_counts([course]).get(course.pk, 0)
    current: dict[int, tuple[datetime, str]] = {}
    who = [p.pk for p in people] if among is None else among.order_by().values("pk")
    rows = assigned.with_statuses(
        AssignedPerson.objects.filter(assignment__item_id=course.pk, user__in=who), now=now
    )
    for user_id, due_at, status in rows.order_by("due_at", "pk").values_list(
        "user_id", "due_at", "status"
    ):
        # Assigned more than once: the earliest due is the one that matters to them.
        current.setdefault(user_id, (due_at, Status(status).label))
    result = []
    for person in people:
        due_at, assignment_status = current.get(person.pk, (None, ""))
        result.append(
            LearnerRow(
                user_id=person.pk,
                name=person.get_full_name() or person.email,
                email=person.email,
                department=person.department_name or "",
                job_role=person.job_role_name or "",
                status=_course_status(person),
                progress=share_text(100 * person.lessons_done / total if total else 0),
                attempts=person.attempts,
                best_score="" if person.best_score is None else share_text(person.best_score),
                minutes=person.minutes,
                last_activity=person.last_activity,
                assigned=due_at is not None,
                due_at=due_at,
                assignment_status=assignment_status,
            )
        )
    return result


def _course_status(person: User) -> str:
    if person.course_completed_at is not None:
        return COURSE_STATUS["completed"]
    if person.enrolled_at is not None:
        return COURSE_STATUS["in_progress"]
    return COURSE_STATUS["not_started"]


def course_assignments(course: CoursePage) -> list[tuple[int, str]]:
    """The course's assignments not withdrawn, for the filter: (id, label)."""
    found = Assignment.objects.filter(item_id=course.pk, withdrawn_at__isnull=True).order_by(
        "due_date", "pk"
    )
    return [
        (
            a.pk,
            f"{a.get_audience_display()}, due {a.due_date:%-d %B %Y}"
            + (" (mandatory)" if a.mandatory else ""),
        )
        for a in found
    ]


HEADER = [
    "Name",
    "Department",
    "Job role",
    "Status",
    "Progress",
    "Check attempts",
    "Best score",
    "Time spent",
    "Last activity",
    "Assigned",
    "Due",
    "Assignment status",
]


def day_text(moment: datetime | None) -> str:
    return "" if moment is None else f"{timezone.localtime(moment):%-d %b %Y}"


def minutes_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def learner_cells(row: LearnerRow) -> list[str | int]:
    """A row as the page, the CSV and the spreadsheet show it (in HEADER's order)."""
    return [
        row.name,
        row.department or "None recorded",
        row.job_role or "None recorded",
        row.status,
        row.progress,
        row.attempts,
        row.best_score or "No attempts",
        minutes_text(row.minutes),
        day_text(row.last_activity) or "None",
        "Yes" if row.assigned else "No",
        day_text(row.due_at),
        row.assignment_status,
    ]
