"""From a skill gap to an assignment: the people of a department below target for a competency,
and the courses that build it.

Proficiency levels live in analytics, which sits above assignments: assignments may not read
them. Analytics therefore sets `below_target_resolver` as it starts (its AppConfig.ready) to a
callable `(department: Department, competency: Competency) -> iterable of user ids`: the people
in the department, sub-departments included, whose level is below their role's target. Until
it is set, the gap has no people to offer (`people_below_target` returns None).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from competencies.models import Competency
from competencies.selectors import primary_framework
from courses.models import CoursePage, in_source_language
from organisations.models import Department

BelowTarget = Callable[[Department, Competency], Iterable[int]]

below_target_resolver: BelowTarget | None = None


@dataclass(frozen=True)
class Gap:
    """A department's gap in one competency of the primary framework."""

    department: Department
    competency: Competency

    @property
    def source(self) -> dict:
        """What an assignment made from this gap records (Assignment.source)."""
        return {"department": self.department.code, "competency": self.competency.code}


def gap_find(*, department_code: str, competency_code: str) -> Gap | None:
    """The gap named by a department code and a competency code, or None if either is unknown."""
    department = Department.objects.filter(code=department_code).first()
    framework = primary_framework()
    if department is None or framework is None:
        return None
    competency = Competency.objects.filter(framework=framework, code=competency_code).first()
    if competency is None:
        return None
    return Gap(department=department, competency=competency)


def people_below_target(gap: Gap) -> list[int] | None:
    """The ids of the people below target in the gap, or None when no resolver is set."""
    # Read at call time: analytics sets the module attribute after this module is imported.
    resolver = below_target_resolver
    if resolver is None:
        return None
    return sorted(set(resolver(gap.department, gap.competency)))


def courses_building(competency: Competency) -> QuerySet[CoursePage]:
    """Live courses that target the competency, in title order (in English: a translation
    shares its course's records)."""
    return (
        in_source_language(CoursePage.objects.live())
        .filter(competency_targets__competency=competency)
        .distinct()
        .order_by("title")
    )
