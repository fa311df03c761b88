"""Reads the report pages need besides the gap frames: a department's protected report, a
lead's team, courses, a person's own evidence, the names of another framework's competencies.
Each is a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Max

from analytics.models import Evidence, GapSnapshot, Proficiency
from analytics.projection.levels import current_levels_by_code
from analytics.protection.access import led_departments
from analytics.protection.differencing import department_report_protected
from analytics.reports import store_frames
from analytics.reports.assembly import FrameworkLabels, Report, skill_gap_report
from analytics.reports.team import PersonGaps, direct_report_gaps
from analytics.reports.trends import trend_series
from competencies.models import Area, Competency, Framework
from competencies.proficiency import Source, current_levels, gap
from competencies.selectors import areas_with_competencies, primary_framework, role_targets
from courses.models import CourseCompetencyTarget, CoursePage, PackageEvidence
from courses.selectors import package_evidence_titles
from organisations.models import Department
from organisations.selectors import direct_reports
from xapi.models import LearnerIdentity


@dataclass(frozen=True)
class CourseForGaps:
    course: CoursePage
    targets: list[tuple[str, int]]  # (competency code, level the course builds it to)
    score: float  # sum of the priority scores of the gaps it addresses


def courses_for_gaps(
    framework_pk: int, priorities: dict[str, float], limit: int = 5
) -> list[CourseForGaps]:
    """Live courses that build any of the given competencies, those closing the largest
    priority first. `priorities` maps competency code to its priority score.

    Ranked from the targets alone, then only the courses shown are loaded: a course page
    carries its whole body, and selecting every candidate with DISTINCT over those columns was
    the slowest query on the report pages."""
    if not priorities:
        return []
    rows = CourseCompetencyTarget.objects.filter(
        competency__framework_id=framework_pk,
        competency__code__in=list(priorities),
        course__live=True,
    ).values_list("course_id", "course__title", "competency__code", "level")
    targets: dict[int, list[tuple[str, int]]] = defaultdict(list)
    titles: dict[int, str] = {}
    for course_id, title, code, level in rows:
        targets[course_id].append((code, level))
        titles[course_id] = title
    scores = {pk: sum(priorities[code] for code, _ in found) for pk, found in targets.items()}
    chosen = sorted(scores, key=lambda pk: (-scores[pk], titles[pk]))[:limit]
    courses = CoursePage.objects.live().filter(pk__in=chosen).defer_streamfields().in_bulk()
    return [
        CourseForGaps(course=courses[pk], targets=sorted(targets[pk]), score=scores[pk])
        for pk in chosen
        if pk in courses
    ]


@dataclass(frozen=True)
class EvidenceItem:
    source: str
    level: int | None  # None: the person answered "I don't know"
    occurred_at: datetime
    package: str = ""  # the course package whose pass this records, by title, if any


@dataclass(frozen=True)
class OwnLevel:
    level: int | None
    source: str
    evidence_at: datetime | None


def own_levels(user, framework: Framework) -> tuple[dict[int, OwnLevel], dict[int, list]]:
    """A person's current level per competency id (competencies.proficiency.current_levels, as
    every page has it), and the evidence behind each (newest first), from the reporting store."""
    identity = LearnerIdentity.objects.filter(user=user).values_list("pk", flat=True).first()
    if identity is None:
        return {}, {}
    levels = {
        competency: OwnLevel(reported.level, reported.source or "", reported.at)
        for competency, reported in current_levels(user, framework).items()
    }
    evidence: dict[int, list[EvidenceItem]] = defaultdict(list)
    rows = list(
        Evidence.objects.filter(learner_id=identity, competency__framework=framework)
        .order_by("-occurred_at", "-pk")
        .values_list("competency_id", "source", "level", "occurred_at", "statement_id")
    )
    # A passed course package is knowledge-check evidence; the page names the package.
    packages = package_evidence_titles(row[4] for row in rows if row[1] == Source.CHECK)
    for competency, source, level, at, statement in rows:
        evidence[competency].append(EvidenceItem(source, level, at, packages.get(statement, "")))
    return levels, dict(evidence)


def competency_titles(slug: str) -> dict[str, str]:
    """Code -> title for the latest published version of another framework (e.g. DigComp), in
    the active language (else the framework's own)."""
    found = (
        Competency.objects.filter(
            framework__slug=slug, framework__status=Framework.Status.PUBLISHED
        )
        .order_by("-framework_id", "sort_order", "code")
        .only("code", "title", "translations", "framework_id")
    )
    latest = None
    titles: dict[str, str] = {}
    for competency in found:
        latest = competency.framework_id if latest is None else latest
        if competency.framework_id == latest:
            titles[competency.code] = competency.translated("title")
    return titles


def framework_labels(framework_pk: int) -> FrameworkLabels:
    """The framework's name and its competencies' and areas' titles in the active language
    (else the framework's own), by code: read when a page, export or pack is written, so the
    language-independent cached reports never hold a reader's words. One query."""
    competencies = (
        Competency.objects.filter(framework_id=framework_pk)
        .select_related("area", "framework")
        .only(
            "code",
            "title",
            "translations",
            "area__code",
            "area__title",
            "area__translations",
            "framework__name",
            "framework__translations",
        )
    )
    titles: dict[str, str] = {}
    areas: dict[str, str] = {}
    name = None
    for competency in competencies:
        titles[competency.code] = competency.translated("title")
        areas[competency.area.code] = competency.area.translated("title")
        name = name or competency.framework.translated("name")
    return FrameworkLabels(name=name, titles=titles, areas=areas)


def department_name(code: str) -> str | None:
    # Read live rather than from the cached report inputs, so a department added a moment ago
    # has its page (with nothing to show yet) instead of a 404 until the cache expires.
    return Department.objects.filter(code=code).values_list("name", flat=True).first()


def snapshots_version() -> str:
    """A token that changes whenever monthly snapshots are written or removed: rewriting a
    month deletes its rows and adds new ones, with new ids."""
    found = GapSnapshot.objects.aggregate(latest=Max("pk"), rows=Count("pk"))
    return f"{found['latest'] or 0}.{found['rows']}"


def department_report(code: str) -> Report | None:
    """The department's report, hiding whatever the organisation's grid hides about it: the
    organisation's report may have been recomputed since the department's was."""
    version = store_frames.projection_version()
    organisation = skill_gap_report(version=version)
    report = skill_gap_report(department=code, version=version)
    if organisation is None or report is None:
        return None
    return department_report_protected(report, organisation)


def team_gaps(lead, inputs: dict) -> list[PersonGaps]:
    """The lead's direct reports by name, each with their current levels and gaps against the
    targets in the report inputs (two queries besides the reports' own)."""
    memberships = direct_reports(lead)
    return direct_report_gaps(
        [(m.user_id, str(m.user), str(m.job_role or "No job role")) for m in memberships],
        inputs,
        current_levels_by_code([m.user_id for m in memberships], inputs["framework"]["pk"]),
    )


def led_departments_named(user) -> list[tuple[str, str | None]]:
    """The departments `user` leads, as (code, name)."""
    return [(code, department_name(code)) for code in led_departments(user)]


def trend_points(department: str | None, threshold: int) -> list[tuple[str, float | None]]:
    """The monthly snapshots as (month, % meeting target); only percentages are shown, never
    the counts behind them, and months with a group under the threshold are blank.

    Kept in the cache until a snapshot is written or removed: the series is summed from every
    month's rows with pandas, a sizeable share of the page's time, and changes once a month."""
    key = f"analytics:trend:{department or '*'}:{threshold}:{snapshots_version()}"
    points = cache.get(key)
    if points is None:
        points = [
            (point.month.strftime("%b %Y"), point.pct_meeting)
            for point in trend_series(department, threshold)
        ]
        cache.set(key, points, timeout=24 * 3600)
    return points


# How many of the worst gaps recommended courses are chosen for.
GAPS_FOR_COURSES = 5


def courses_for_report(report: Report) -> list[CourseForGaps]:
    """Live courses that build the competencies of the report's worst (shown) gaps."""
    top = report.top_gaps.head(GAPS_FOR_COURSES)
    priorities = {
        row["competency"]: float(row["priority"])
        for _, row in top.iterrows()
        if row["priority"] and row["priority"] > 0
    }
    return courses_for_gaps(report.framework["pk"], priorities)


@dataclass(frozen=True)
class OwnRow:
    competency: Competency
    target: int | None
    level: OwnLevel | None  # None: no evidence at all
    evidence: list[EvidenceItem]

    @property
    def reported(self) -> int | None:
        return self.level.level if self.level else None

    @property
    def gap(self) -> int | None:
        return gap(self.target, self.reported)


@dataclass(frozen=True)
class OwnReport:
    areas: list[tuple[Area, list[OwnRow]]]  # every competency of the framework, area by area
    needed: int  # competencies the person's job role needs
    meeting: int
    below: int
    unknown: int


def own_report(user, framework: Framework) -> OwnReport:
    """A person's own levels, targets and gaps in every competency, with the evidence behind
    each, and how many of those their job role needs they meet, fall below or have no level in."""
    targets = role_targets(user, framework)
    levels, evidence = own_levels(user, framework)
    areas = [
        (
            area,
            [
                OwnRow(c, targets.get(c.pk), levels.get(c.pk), evidence.get(c.pk, []))
                for c in area.competencies.all()
            ],
        )
        for area in areas_with_competencies(framework)
    ]
    needed = [row for _, rows in areas for row in rows if row.target]
    return OwnReport(
        areas=areas,
        needed=len(needed),
        meeting=sum(1 for r in needed if r.gap == 0),
        below=sum(1 for r in needed if r.gap),
        unknown=sum(1 for r in needed if r.reported is None),
    )


def package_sources(competency: str) -> dict[int, str]:
    """Learner identity -> the title of the course package that a person's current level in
    `competency` (a code of the primary framework) rests on, for the people whose level comes
    from passing one: the drill-down names the package rather than "knowledge check"."""
    framework = primary_framework()
    scope = {"competency__framework": framework, "competency__code": competency}
    current = dict(
        Proficiency.objects.filter(**scope, source=Source.CHECK).values_list(
            "learner_id", "evidence_at"
        )
    )
    rows = Evidence.objects.filter(
        **scope,
        source=Source.CHECK,
        statement_id__in=PackageEvidence.objects.values("statement_id"),
    ).values_list("learner_id", "occurred_at", "statement_id")
    resting = {statement: learner for learner, at, statement in rows if current.get(learner) == at}
    titles = package_evidence_titles(resting)
    return {learner: titles[statement] for statement, learner in resting.items()}
