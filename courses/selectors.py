"""Reads for courses: the course tree, progress, the catalogue and recommendations."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from wagtail.models import Locale

from accounts.models import User
from competencies import selectors as competency_selectors
from competencies.models import ProficiencyLevel
from competencies.proficiency import UNKNOWN, Reported, current_levels, gap
from courses.figures import share_text
from courses.models import (
    Certificate,
    CourseCompetencyTarget,
    CoursePage,
    Enrolment,
    KnowledgeCheckAttempt,
    LearningPlanItem,
    LessonCompletion,
    LessonPage,
    ModulePage,
    PackageEvidence,
)
from courses.models.records import certificate_reference_normalise
from organisations.models import Membership

DURATIONS = {
    "short": ("Under 1 hour", Q(duration_minutes__lt=60)),
    "medium": ("1 to 3 hours", Q(duration_minutes__gte=60, duration_minutes__lte=180)),
    "long": ("Over 3 hours", Q(duration_minutes__gt=180)),
}


def is_line_manager(*, manager: User, learner: User) -> bool:
    return Membership.objects.filter(user=learner, line_manager=manager).exists()


def course_lessons(course: CoursePage) -> list[LessonPage]:
    """The course's live lessons in reading order (module order, then lesson order)."""
    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


@dataclass
class ModuleOutline:
    module: ModulePage
    lessons: list[LessonPage] = field(default_factory=list)


def course_outline(course: CoursePage) -> list[ModuleOutline]:
    """Modules with their lessons, in two queries whatever the course's size."""
    modules = {
        m.path: ModuleOutline(m)
        for m in ModulePage.objects.live().child_of(course).order_by("path")
    }
    for lesson in LessonPage.objects.live().descendant_of(course).order_by("path"):
        outline = modules.get(lesson.path[: -lesson.steplen])
        if outline is not None:
            outline.lessons.append(lesson)
    return list(modules.values())


def source_course(course: CoursePage) -> CoursePage:
    """The course a learning record names: the English course, whatever language `course` is
    read in (courses.models.pages.Translated)."""
    return course.source


def source_lesson(lesson: LessonPage) -> LessonPage:
    """The lesson a learning record names: the English lesson `lesson` translates."""
    return lesson.source


def _with_translations(lesson_ids) -> dict[int, int]:
    """Each lesson id, and the id of each translation of it, mapped to the recorded id."""
    lesson_ids = set(lesson_ids)
    if not lesson_ids:
        return {}
    found = {pk: pk for pk in lesson_ids}
    keys = dict(LessonPage.objects.filter(pk__in=lesson_ids).values_list("translation_key", "pk"))
    translations = LessonPage.objects.filter(translation_key__in=keys).exclude(pk__in=lesson_ids)
    for pk, key in translations.values_list("pk", "translation_key"):
        found[pk] = keys[key]
    return found


def completed_lesson_ids(enrolment: Enrolment | None) -> set[int]:
    """The lessons the learner has completed, as ids of the lessons recorded (English) and of
    every translation of them, so that `lesson.pk in completed` holds in any language."""
    if enrolment is None:
        return set()
    return set(
        _with_translations(
            LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
        )
    )


def lesson_completions(enrolment: Enrolment | None) -> dict[int, str]:
    """How each completed lesson was completed ("check", "read", "placement"), by lesson id
    (of the lesson recorded and of every translation of it)."""
    if enrolment is None:
        return {}
    via = dict(LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson_id", "via"))
    return {pk: via[recorded] for pk, recorded in _with_translations(via).items()}


def enrolment_of(user: User, course: CoursePage) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, course=source_course(course)).first()


def completed_enrolment(user: User, course: CoursePage) -> Enrolment | None:
    """The person's enrolment on the course once they have finished it, with its certificate."""
    return (
        Enrolment.objects.filter(
            user=user, course=source_course(course), completed_at__isnull=False
        )
        .select_related("certificate")
        .first()
    )


def earlier_completion(user: User, course: CoursePage) -> Enrolment | None:
    """The person's latest completed attempt that a retake superseded, with its certificate."""
    if not user.is_authenticated:
        return None
    return (
        Enrolment.all_attempts.filter(
            user=user,
            course=source_course(course),
            superseded_at__isnull=False,
            completed_at__isnull=False,
        )
        .select_related("certificate")
        .order_by("-completed_at")
        .first()
    )


def latest_attempt(enrolment: Enrolment, lesson: LessonPage) -> KnowledgeCheckAttempt | None:
    """The learner's most recent attempt at the lesson's knowledge check (in any language)."""
    return KnowledgeCheckAttempt.objects.filter(
        enrolment=enrolment, lesson=source_lesson(lesson)
    ).first()


def next_attempt_number(enrolment: Enrolment, lesson: LessonPage) -> int:
    """The number the learner's next attempt at the lesson's knowledge check will carry."""
    latest = KnowledgeCheckAttempt.objects.filter(
        enrolment=enrolment, lesson=source_lesson(lesson)
    ).aggregate(latest=Max("number"))["latest"]
    return (latest or 0) + 1


def course_targets(course: CoursePage) -> list[CourseCompetencyTarget]:
    """What the course builds: the English course's targets, whatever language it is read in
    (they are what completing it evidences)."""
    return list(source_course(course).competency_targets.select_related("competency__area"))


def courses_in_reading_language() -> QuerySet[CoursePage]:
    """Every published course once: in the active language where it is published in it, and
    in English where it is not yet."""
    courses = CoursePage.objects.live()
    default = Locale.get_default()
    active = Locale.get_active()
    if active.pk == default.pk:
        return courses.filter(locale=default)
    translated = CoursePage.objects.live().filter(locale=active).values("translation_key")
    return courses.filter(
        Q(locale=active) | (Q(locale=default) & ~Q(translation_key__in=translated))
    )


def catalogue(
    *,
    query: str = "",
    competency: str = "",
    area: str = "",
    level: str = "",
    course_format: str = "",
    duration: str = "",
) -> QuerySet[CoursePage]:
    courses = courses_in_reading_language().order_by("title")
    if query:
        words = query.split()
        for word in words:
            courses = courses.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(audience__icontains=word)
                | Q(competency_targets__competency__title__icontains=word)
            )
    if competency:
        courses = courses.filter(competency_targets__competency__code=competency)
    if area:
        courses = courses.filter(competency_targets__competency__area__code=area)
    if level:
        courses = courses.filter(level=level)
    if course_format:
        courses = courses.filter(format=course_format)
    if duration in DURATIONS:
        courses = courses.filter(DURATIONS[duration][1])
    targets = CourseCompetencyTarget.objects.select_related("competency").order_by("sort_order")
    return courses.distinct().prefetch_related(Prefetch("competency_targets", queryset=targets))


@dataclass(frozen=True)
class Recommendation:
    course: CoursePage
    closes: list[tuple[str, int, int | None]]  # (competency code, target, current level)

    @property
    def closes_titled(self) -> list[tuple[str, str, int, int | None]]:
        """`closes` with each competency's title first, from the prefetched targets."""
        titles = {
            t.competency.code: t.competency.translated("title")
            for t in self.course.competency_targets.all()
        }
        return [
            (titles.get(code, code), code, target, current) for code, target, current in self.closes
        ]

    @property
    def score(self) -> int:
        return sum(target - (current or 0) for _, target, current in self.closes)


def recommendations(user: User, *, limit: int = 5) -> list[Recommendation]:
    """Courses that build competencies where the person is below what their role needs.

    A competency with no evidence counts as a gap for recommending (the course will tell),
    though reports keep unknown apart from 0.
    """
    framework = competency_selectors.primary_framework()
    if framework is None:
        return []
    targets = competency_selectors.role_targets(user, framework)
    if not targets:
        return []
    levels = current_levels(user, framework)
    current = {competency_id: levels.get(competency_id, UNKNOWN).level for competency_id in targets}
    # Courses the person already has in hand (enrolled, finished or planned) are not news.
    in_hand = set(Enrolment.objects.filter(user=user).values_list("course_id", flat=True)) | set(
        LearningPlanItem.objects.filter(user=user).values_list("course_id", flat=True)
    )
    found = []
    in_hand_keys = CoursePage.objects.filter(pk__in=in_hand).values("translation_key")
    for course in catalogue().exclude(translation_key__in=in_hand_keys):
        closes = []
        for target in course.competency_targets.all():
            needed = targets.get(target.competency_id)
            level = current.get(target.competency_id)
            if needed and (level is None or level < min(needed, target.level)):
                closes.append((target.competency.code, min(needed, target.level), level))
        if closes:
            found.append(Recommendation(course=course, closes=closes))
    found.sort(key=lambda r: (-r.score, r.course.title))
    return found[:limit]


@dataclass(frozen=True)
class EnrolmentProgress:
    enrolment: Enrolment
    completed: int
    total: int

    @property
    def percent(self) -> str:
        """The share of lessons done, as `courses.figures` writes shares: never "0%" once one is."""
        return share_text(100 * self.completed / self.total if self.total else 0)


def learner_enrolments(user: User) -> list[EnrolmentProgress]:
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course", "last_lesson", "certificate")
        .annotate(done=Count("completions", distinct=True))
        .order_by("completed_at", "-enrolled_at")
    )
    totals = lesson_counts([e.course for e in enrolments])
    return [EnrolmentProgress(e, e.done, totals.get(e.course_id, 0)) for e in enrolments]


def lesson_counts(courses: list[CoursePage]) -> dict[int, int]:
    """Live lessons per course, in one query."""
    if not courses:
        return {}
    by_path = {course.path: course.pk for course in courses}
    counts: dict[int, int] = defaultdict(int)
    condition = Q()
    for path in by_path:
        condition |= Q(path__startswith=path)
    # Every course sits at the same depth (the page-type rules fix it), so a lesson's course is
    # the prefix of its path of that length.
    course_path_length = len(next(iter(by_path)))
    for path in LessonPage.objects.live().filter(condition).values_list("path", flat=True):
        course_path = path[:course_path_length]
        if course_path in by_path:
            counts[by_path[course_path]] += 1
    return counts


def in_learning_plan(user: User, course: CoursePage) -> bool:
    if not user.is_authenticated:
        return False
    return LearningPlanItem.objects.filter(user=user, course=source_course(course)).exists()


def learning_plan(user: User) -> list[LearningPlanItem]:
    return list(
        LearningPlanItem.objects.filter(user=user)
        .select_related("course", "added_by")
        .order_by("position")
    )


@dataclass(frozen=True)
class SkillRow:
    competency: object
    reported: Reported
    target: int | None

    @property
    def gap(self) -> int | None:
        return gap(self.target, self.reported.level)


def learner_skills(user: User):
    """The person's reported level for every competency of the primary framework, by area."""
    framework = competency_selectors.primary_framework()
    if framework is None:
        return []
    levels = current_levels(user, framework)
    targets = competency_selectors.role_targets(user, framework)
    return [
        (
            area,
            [
                SkillRow(c, levels.get(c.pk, UNKNOWN), targets.get(c.pk))
                for c in area.competencies.all()
            ],
        )
        for area in competency_selectors.areas_with_competencies(framework)
    ]


def certificate_by_reference(reference: str) -> Certificate | None:
    """The certificate a reference names, as issued or as a person typed it: any case, with
    or without the dashes (see certificate_reference_normalise)."""
    certificates = Certificate.objects.select_related("enrolment__user", "enrolment__course")
    found = certificates.filter(code=reference).first()
    if found is None:
        canonical = certificate_reference_normalise(reference)
        if canonical is not None and canonical != reference:
            found = certificates.filter(code=canonical).first()
    return found


@dataclass(frozen=True)
class EvidencedCompetency:
    code: str
    title: str
    level: int
    level_name: str


def certificate_competencies(certificate: Certificate) -> list[EvidencedCompetency]:
    """What a completed course evidences: each competency it builds, at the level it builds it,
    with the level's name in the competency's own framework."""
    return evidenced_competencies(certificate.enrolment.course.competency_targets)


def evidenced_competencies(targets) -> list[EvidencedCompetency]:
    """A course's or programme's competency targets (a related manager or queryset) in their
    author's order, each with its level's name in the competency's framework (two queries)."""
    targets = list(targets.select_related("competency").order_by("sort_order"))
    names = {
        (level.framework_id, level.number): level.translated("name")
        for level in ProficiencyLevel.objects.filter(
            framework_id__in={target.competency.framework_id for target in targets}
        )
    }
    return [
        EvidencedCompetency(
            code=target.competency.code,
            title=target.competency.translated("title"),
            level=target.level,
            level_name=names.get((target.competency.framework_id, target.level), ""),
        )
        for target in targets
    ]


@dataclass(frozen=True)
class LearningPlan:
    """A learning plan as the learner reads it: what is still to do, in their order, and what
    they have finished from it, newest first, with its enrolment (and so its certificate)."""

    to_do: list[LearningPlanItem]
    completed: list[tuple[LearningPlanItem, Enrolment]]


def learning_plan_by_status(user: User) -> LearningPlan:
    items = learning_plan(user)
    finished = {
        enrolment.course_id: enrolment
        for enrolment in Enrolment.objects.filter(
            user=user, completed_at__isnull=False, course_id__in=[i.course_id for i in items]
        ).select_related("certificate")
    }
    completed = sorted(
        ((item, finished[item.course_id]) for item in items if item.course_id in finished),
        key=lambda pair: pair[1].completed_at,
        reverse=True,
    )
    return LearningPlan(
        to_do=[item for item in items if item.course_id not in finished], completed=completed
    )


def package_evidence_titles(statement_ids) -> dict:
    """Statement id -> the title of the course package whose pass it records, for those of
    `statement_ids` that are evidence from a package (the reports name it as the source)."""
    return dict(
        PackageEvidence.objects.filter(statement_id__in=list(statement_ids)).values_list(
            "statement_id", "package__title"
        )
    )
