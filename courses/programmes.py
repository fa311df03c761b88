"""Programmes: recording who completed one, and reading a programme with a learner's progress
through it, for its page, the catalogue and its certificate."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import User
from courses import xapi as course_xapi
from courses.events import programme_completed
from courses.models import (
    CoursePage,
    Enrolment,
    ProgrammeCompletion,
    ProgrammeCourse,
    ProgrammePage,
)
from courses.models.records import certificate_reference_normalise
from courses.selectors import EvidencedCompetency, evidenced_competencies

NOT_STARTED = "not started"
IN_PROGRESS = "in progress"
COMPLETED = "completed"


def is_finished(places: Iterable[ProgrammeCourse], electives_required: int, done: set) -> bool:
    """Whether courses `done` (ids) finish a programme with these places: every required course
    and at least `electives_required` of its electives."""
    places = list(places)
    required = [p.course_id for p in places if not p.elective]
    electives = [p.course_id for p in places if p.elective]
    if not places:
        return False
    return set(required) <= done and len(done.intersection(electives)) >= electives_required


@transaction.atomic
def programme_completions_update(
    *, user: User, course: CoursePage, completed_at: datetime | None = None
) -> list[ProgrammeCompletion]:
    """After `user` completed `course`: record each live programme with that course which they
    have now finished, once, with its statement and the programme_completed signal. Idempotent:
    a programme already recorded as completed is left alone. Returns the completions made."""
    places = Prefetch("programme_courses", queryset=ProgrammeCourse.objects.order_by("sort_order"))
    programmes = list(
        ProgrammePage.objects.live()
        .filter(programme_courses__course=course)
        .exclude(completions__user=user)
        .distinct()
        .prefetch_related(places, "competency_targets__competency")
    )
    if not programmes:
        return []
    course_ids = {place.course_id for p in programmes for place in p.programme_courses.all()}
    # A course completed on an earlier attempt still counts while it is being taken again.
    done = set(
        Enrolment.all_attempts.filter(
            user=user, course_id__in=course_ids, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    when = completed_at or timezone.now()
    made = []
    for programme in programmes:
        if not is_finished(programme.programme_courses.all(), programme.electives_required, done):
            continue
        # Two courses of one programme completed at once: the second finds the first's row.
        completion, created = ProgrammeCompletion.objects.get_or_create(
            user=user, programme=programme, defaults={"completed_at": when}
        )
        if not created:
            continue
        targets = {t.competency: t.level for t in programme.competency_targets.all()}
        course_xapi.programme_completed(completion, targets)
        programme_completed.send(
            sender=ProgrammePage, user=user, programme=programme, completed_at=when
        )
        made.append(completion)
    return made


@dataclass(frozen=True)
class CourseInProgramme:
    course: CoursePage
    elective: bool
    status: str | None  # None for a visitor who is not signed in


@dataclass(frozen=True)
class ProgrammeProgress:
    """A programme's courses as a learner reads them, and how far they are: `done` of `total`
    courses, where the total counts the electives they must choose, not every elective."""

    required: list[CourseInProgramme]
    electives: list[CourseInProgramme]
    electives_required: int
    done: int
    total: int
    completion: ProgrammeCompletion | None

    @property
    def choose_text(self) -> str:
        offered = len(self.electives)
        if self.electives_required == 0:
            return ngettext(
                "Optional: take any of these %(offered)d.",
                "Optional: take any of these %(offered)d.",
                offered,
            ) % {"offered": offered}
        if self.electives_required >= offered:
            return ngettext(
                "Complete all %(offered)d of these.", "Complete all %(offered)d of these.", offered
            ) % {"offered": offered}
        return ngettext(
            "Choose %(required)d of these %(offered)d.",
            "Choose %(required)d of these %(offered)d.",
            offered,
        ) % {"required": self.electives_required, "offered": offered}


def _places(programme: ProgrammePage) -> list[ProgrammeCourse]:
    """The programme's courses in order; a preview's come from the draft, without queries for
    the rows themselves."""
    return list(programme.programme_courses.select_related("course").order_by("sort_order"))


def course_statuses(user: User | None, course_ids: Iterable[int]) -> dict[int, str]:
    """The learner's status on each course (one query): completed, in progress (enrolled),
    or not started."""
    ids = list(course_ids)
    if user is None or not ids:
        return {}
    statuses = dict.fromkeys(ids, NOT_STARTED)
    for course_id, completed_at in Enrolment.objects.filter(
        user=user, course_id__in=ids
    ).values_list("course_id", "completed_at"):
        statuses[course_id] = COMPLETED if completed_at is not None else IN_PROGRESS
    return statuses


def programme_progress(programme: ProgrammePage, *, user: User | None) -> ProgrammeProgress:
    """The programme's courses with `user`'s status on each (None: no statuses), their progress
    and their completion, in three queries whatever the number of courses."""
    places = _places(programme)
    statuses = course_statuses(user, [place.course_id for place in places])
    rows = [
        CourseInProgramme(
            course=place.course,
            elective=place.elective,
            status=statuses.get(place.course_id) if user is not None else None,
        )
        for place in places
    ]
    required = [row for row in rows if not row.elective]
    electives = [row for row in rows if row.elective]
    chosen = sum(1 for row in electives if row.status == COMPLETED)
    done = sum(1 for row in required if row.status == COMPLETED)
    done += min(chosen, programme.electives_required)
    completion = None
    if user is not None and programme.pk is not None:
        completion = ProgrammeCompletion.objects.filter(user=user, programme=programme).first()
    return ProgrammeProgress(
        required=required,
        electives=electives,
        electives_required=programme.electives_required,
        done=done,
        total=len(required) + min(programme.electives_required, len(electives)),
        completion=completion,
    )


def programme_competencies(programme: ProgrammePage) -> list[EvidencedCompetency]:
    """The competencies the programme builds, at the level it builds each to, with the level's
    name in the competency's framework (two queries)."""
    return evidenced_competencies(programme.competency_targets)


def programme_catalogue() -> list[ProgrammePage]:
    """Live programmes by title, each with its courses in order (two queries)."""
    places = ProgrammeCourse.objects.select_related("course").order_by("sort_order")
    return list(
        ProgrammePage.objects.live()
        .order_by("title")
        .prefetch_related(Prefetch("programme_courses", queryset=places))
    )


def programme_completion_by_reference(reference: str) -> ProgrammeCompletion | None:
    """The completion a certificate reference names, as issued or as typed (any case, with or
    without its dashes)."""
    completions = ProgrammeCompletion.objects.select_related("user", "programme")
    found = completions.filter(code=reference).first()
    if found is None:
        canonical = certificate_reference_normalise(reference)
        if canonical is not None and canonical != reference:
            found = completions.filter(code=canonical).first()
    return found


@dataclass(frozen=True)
class CompletedCourse:
    course: CoursePage
    elective: bool
    completed_at: datetime


def programme_courses_completed(completion: ProgrammeCompletion) -> list[CompletedCourse]:
    """The programme's courses its holder completed, in the programme's order (one query for
    the courses, one for their completions)."""
    places = _places(completion.programme)
    attempts = Enrolment.all_attempts.filter(
        user_id=completion.user_id,
        course_id__in=[place.course_id for place in places],
        completed_at__isnull=False,
    ).order_by("completed_at")
    # A course taken again later stays on the certificate with the completion that counted:
    # the latest one up to the programme's completion (else the first after it).
    finished: dict[int, datetime] = {}
    for course_id, completed_at in attempts.values_list("course_id", "completed_at"):
        if course_id not in finished or completed_at <= completion.completed_at:
            finished[course_id] = completed_at
    return [
        CompletedCourse(
            course=place.course, elective=place.elective, completed_at=finished[place.course_id]
        )
        for place in places
        if place.course_id in finished
    ]
