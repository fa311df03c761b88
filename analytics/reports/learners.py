"""The training lead's learner report: every learner of a course (or of a programme's courses)
with their progress, checks, time, last activity, place in the organisation and assignment,
filtered and paged in SQL.

Time spent is the planned time (`LessonPage.duration_minutes`) of the lessons a learner has
completed: every completion records which lesson it was, while statements carry a duration
only for some package content, so a clock-based figure would undercount most courses.

A page of rows costs the same few queries however many rows it holds: the learners with their
figures in one query (correlated subqueries), their assignments in a second, the course's
lessons (or the programme's courses) in a third.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from wagtail.models import Page

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
    ProgrammeCompletion,
    ProgrammePage,
)
from courses.selectors import lesson_counts
from organisations.models import Department

COURSE_STATUS = {
    "completed": gettext_lazy("Completed"),
    "in_progress": gettext_lazy("In progress"),
    "not_started": gettext_lazy("Not started"),
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


@dataclass(frozen=True)
class Item:
    """A course, or a programme of courses, that the report is about."""

    page: Page
    kind: str  # "course" or "programme"
    required: tuple[int, ...]  # course ids a learner must complete (the course itself)
    electives: tuple[int, ...] = ()
    electives_required: int = 0

    @property
    def course_ids(self) -> list[int]:
        return [*self.required, *self.electives]

    @property
    def total(self) -> int:
        """Courses to complete: the required ones and the electives a learner must choose."""
        return len(self.required) + min(self.electives_required, len(self.electives))


def course_item(course: CoursePage) -> Item:
    return Item(page=course, kind="course", required=(course.pk,))


def programme_item(programme: ProgrammePage) -> Item:
    places = list(programme.programme_courses.values_list("course_id", "elective"))
    return Item(
        page=programme,
        kind="programme",
        required=tuple(course for course, elective in places if not elective),
        electives=tuple(course for course, elective in places if elective),
        electives_required=programme.electives_required,
    )


def _per_learner(rows: QuerySet, value, *, item: Item) -> Subquery:
    """One aggregate of `rows` (records of enrolments) over the outer learner's current
    enrolments on the item's courses: an attempt a retake superseded keeps its records, which
    are not this attempt's progress."""
    return Subquery(
        rows.filter(
            enrolment__user=OuterRef("pk"),
            enrolment__course__in=item.course_ids,
            enrolment__superseded_at__isnull=True,
        )
        .order_by()
        .values("enrolment__user")
        .annotate(value=value)
        .values("value")
    )


def _of_enrolments(value, *, item: Item, **where) -> Subquery:
    """One aggregate over the outer learner's enrolments on the item's courses."""
    return Subquery(
        Enrolment.objects.filter(user=OuterRef("pk"), course__in=item.course_ids, **where)
        .order_by()
        .values("user")
        .annotate(value=value)
        .values("value")
    )


def _zero(value) -> Coalesce:
    return Coalesce(value, 0, output_field=IntegerField())


def open_assignments(item: Item) -> QuerySet[AssignedPerson]:
    return assigned.current_cycles().filter(assignment__item_id=item.page.pk)


def learners(item: Item, filters: LearnerFilters = LearnerFilters()) -> QuerySet[User]:
    """Everyone enrolled on the item's courses or assigned the item, filtered, by name. Plain
    rows: page them first, then read a page's figures with `with_figures`, so the figures'
    subqueries run for the rows shown rather than for every learner before the sort."""
    # Sets of ids rather than a lookup per person: the database hashes each set once instead
    # of probing an index for every account in the organisation.
    enrolled = Enrolment.objects.filter(course__in=item.course_ids).values("user_id")
    assigned_ids = open_assignments(item).values("user_id")
    people = User.objects.filter(Q(pk__in=enrolled) | Q(pk__in=assigned_ids))
    if filters.department:
        people = people.filter(
            membership__department__code__in=department_codes_within(filters.department)
        )
    if filters.job_role:
        people = people.filter(membership__job_role__code=filters.job_role)
    if filters.assignment == ASSIGNED:
        people = people.filter(pk__in=assigned_ids)
    elif filters.assignment == NOT_ASSIGNED:
        people = people.exclude(pk__in=assigned_ids)
    elif filters.assignment:
        people = people.filter(
            pk__in=open_assignments(item).filter(assignment_id=filters.assignment).values("user_id")
        )
    return people.order_by("last_name", "first_name", "pk")


def with_figures(item: Item, people: QuerySet[User]) -> QuerySet[User]:
    """`people` annotated with their figures on the item (see `learner_rows`), by name."""
    enrolled_at = _of_enrolments(Min("enrolled_at"), item=item)
    score = Cast(F("correct"), FloatField()) * 100 / Cast(F("total"), FloatField())
    activity = [
        _per_learner(LessonVisit.objects, Max("first_visited_at"), item=item),
        _per_learner(LessonCompletion.objects, Max("completed_at"), item=item),
        _per_learner(KnowledgeCheckAttempt.objects, Max("submitted_at"), item=item),
        _of_enrolments(Max("completed_at"), item=item),
    ]
    if item.kind == "programme":
        completed_at = Subquery(
            ProgrammeCompletion.objects.filter(user=OuterRef("pk"), programme=item.page).values(
                "completed_at"
            )
        )
    else:
        completed_at = _of_enrolments(Max("completed_at"), item=item)
    courses_done = {
        name: _zero(
            Subquery(
                Enrolment.objects.filter(
                    user=OuterRef("pk"), course__in=ids, completed_at__isnull=False
                )
                .order_by()
                .values("user")
                .annotate(value=Count("pk"))
                .values("value")
            )
        )
        for name, ids in (("required_done", item.required), ("electives_done", item.electives))
    }
    return people.annotate(
        department_name=F("membership__department__name"),
        job_role_name=F("membership__job_role__name"),
        enrolled_at=enrolled_at,
        item_completed_at=completed_at,
        lessons_done=_zero(_per_learner(LessonCompletion.objects, Count("pk"), item=item)),
        minutes=_zero(
            _per_learner(LessonCompletion.objects, Sum("lesson__duration_minutes"), item=item)
        ),
        attempts=_zero(_per_learner(KnowledgeCheckAttempt.objects, Count("pk"), item=item)),
        best_score=_per_learner(
            KnowledgeCheckAttempt.objects.filter(total__gt=0), Max(score), item=item
        ),
        # NULLs are read as the first enrolment: Greatest() on SQLite is NULL if any part is.
        last_activity=Greatest(*(Coalesce(part, enrolled_at) for part in activity)),
        **courses_done,
    ).order_by("last_name", "first_name", "pk")


def _progress(item: Item, person: User, lessons_total: int) -> str:
    """A course: the share of its lessons done. A programme: the share of the courses a
    learner must complete (required ones, and the electives to choose) done."""
    if item.kind == "course":
        return share_text(100 * person.lessons_done / lessons_total if lessons_total else 0)
    done = person.required_done + min(person.electives_done, item.electives_required)
    return share_text(100 * done / item.total if item.total else 0)


def learner_rows(
    item: Item,
    people: list[User],
    *,
    among: QuerySet[User] | None = None,
    now: datetime | None = None,
) -> list[LearnerRow]:
    """The rows of the given (annotated) learners: one more query for their assignments, of
    the people in `among` (the whole filtered list, read as a subquery) or else in `people`,
    and for a course one for its lessons."""
    now = now or timezone.now()
    lessons_total = lesson_counts([item.page]).get(item.page.pk, 0) if item.kind == "course" else 0
    current: dict[int, tuple[datetime, str]] = {}
    who = [p.pk for p in people] if among is None else among.order_by().values("pk")
    rows = assigned.with_statuses(
        AssignedPerson.objects.filter(assignment__item_id=item.page.pk, user__in=who), now=now
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
                status=_status(person),
                progress=_progress(item, person, lessons_total),
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


def _status(person: User) -> str:
    if person.item_completed_at is not None:
        return str(COURSE_STATUS["completed"])
    if person.enrolled_at is not None:
        return str(COURSE_STATUS["in_progress"])
    return str(COURSE_STATUS["not_started"])


def item_assignments(item: Item) -> list[tuple[int, str]]:
    """The item's assignments not withdrawn, for the filter: (id, label)."""
    found = Assignment.objects.filter(item_id=item.page.pk, withdrawn_at__isnull=True).order_by(
        "due_date", "pk"
    )
    return [
        (
            a.pk,
            (
                gettext("%(audience)s, due %(date)s (mandatory)")
                if a.mandatory
                else gettext("%(audience)s, due %(date)s")
            )
            % {
                "audience": a.get_audience_display(),
                "date": formats.date_format(a.due_date, gettext("j F Y")),
            },
        )
        for a in found
    ]


HEADER = [
    gettext_lazy("Name"),
    gettext_lazy("Department"),
    gettext_lazy("Job role"),
    gettext_lazy("Status"),
    gettext_lazy("Progress"),
    gettext_lazy("Check attempts"),
    gettext_lazy("Best score"),
    gettext_lazy("Time spent"),
    gettext_lazy("Last activity"),
    gettext_lazy("Assigned"),
    pgettext_lazy("due date", "Due"),
    gettext_lazy("Assignment status"),
]


def day_text(moment: datetime | None) -> str:
    if moment is None:
        return ""
    # Translators: a short date as the date filter writes it ("6 Dec 2026").
    return formats.date_format(timezone.localtime(moment), gettext("j M Y"))


def minutes_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours:
        return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    return gettext("%(minutes)s min") % {"minutes": rest}


def learner_cells(row: LearnerRow) -> list[str | int]:
    """A row as the page, the CSV and the spreadsheet show it (in HEADER's order)."""
    return [
        row.name,
        row.department or gettext("None recorded"),
        row.job_role or gettext("None recorded"),
        row.status,
        row.progress,
        row.attempts,
        row.best_score or gettext("No attempts"),
        minutes_text(row.minutes),
        day_text(row.last_activity) or gettext("None"),
        gettext("Yes") if row.assigned else gettext("No"),
        day_text(row.due_at),
        row.assignment_status,
    ]
