"""Reads for competencies: frameworks to browse, and a person's answers against their role."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from accounts.models import User
from competencies.models import (
    Area,
    Competency,
    CrosswalkLink,
    Framework,
    ManagerValidation,
    RoleRequirement,
    SelfAssessment,
)
from competencies.proficiency import UNKNOWN, Reported, current_levels, gap
from organisations.selectors import membership_of


def published_frameworks() -> QuerySet[Framework]:
    return Framework.objects.filter(status=Framework.Status.PUBLISHED).order_by("name", "version")


def framework_by_slug(slug: str, version: str | None = None) -> Framework | None:
    """A published framework: the given version, or the latest one."""
    frameworks = published_frameworks().filter(slug=slug)
    if version:
        return frameworks.filter(version=version).first()
    return frameworks.order_by("-pk").first()


def primary_framework() -> Framework | None:
    return framework_by_slug(settings.COMPETENCY_PRIMARY_FRAMEWORK)


def areas_with_competencies(framework: Framework) -> list[Area]:
    competencies = Competency.objects.order_by("sort_order", "code")
    return list(
        framework.areas.order_by("sort_order", "code").prefetch_related(
            Prefetch("competencies", queryset=competencies)
        )
    )


def competency_detail(framework: Framework, code: str) -> Competency | None:
    return (
        Competency.objects.filter(framework=framework, code=code)
        .select_related("area", "framework")
        .prefetch_related(
            "descriptors",
            Prefetch(
                "crosswalk",
                queryset=CrosswalkLink.objects.select_related("target__framework"),
            ),
            Prefetch(
                "crosswalk_targets",
                queryset=CrosswalkLink.objects.select_related("competency__framework"),
            ),
            Prefetch(
                "requirements",
                queryset=RoleRequirement.objects.select_related("job_role", "department").order_by(
                    "job_role__name", "department__code"
                ),
            ),
        )
        .first()
    )


def level_names(framework: Framework) -> dict[int, str]:
    """Level number -> name, in the active language (else the framework's own)."""
    return {level.number: level.translated("name") for level in framework.levels.all()}


def self_assessments_of(user: User, framework: Framework) -> dict[int, int | None]:
    """competency id -> level (None: "I don't know"); competencies never answered are absent."""
    return dict(
        SelfAssessment.objects.filter(user=user, competency__framework=framework).values_list(
            "competency_id", "level"
        )
    )


def role_targets(user: User, framework: Framework) -> dict[int, int]:
    """competency id -> the level the person's job role needs, department overrides applied."""
    membership = membership_of(user)
    if membership is None or membership.job_role_id is None:
        return {}
    requirements = RoleRequirement.objects.filter(
        job_role_id=membership.job_role_id, competency__framework=framework
    ).values_list("competency_id", "department_id", "level")
    targets: dict[int, int] = {}
    overrides: dict[int, int] = {}
    for competency_id, department_id, level in requirements:
        if department_id is None:
            targets[competency_id] = level
        elif department_id == membership.department_id:
            overrides[competency_id] = level
    return {**targets, **overrides}


def latest_validations(learner: User, framework: Framework) -> dict[int, ManagerValidation]:
    latest: dict[int, ManagerValidation] = {}
    validations = ManagerValidation.objects.filter(
        learner=learner, competency__framework=framework
    ).order_by("-created_at")
    for validation in validations:
        latest.setdefault(validation.competency_id, validation)
    return latest


@dataclass(frozen=True)
class ProfileRow:
    competency: Competency
    self_assessed: int | None
    answered: bool
    validated: int | None
    target: int | None
    reported: Reported = UNKNOWN  # the current level, as every page and report has it

    @property
    def gap(self) -> int | None:
        """Target minus the current level; None when either is unknown."""
        return gap(self.target, self.reported.level)


def competency_profile(user: User, framework: Framework) -> list[tuple[Area, list[ProfileRow]]]:
    """The person's current level in each competency against their role's target, beside their
    own answer and the level their line manager last confirmed."""
    answers = self_assessments_of(user, framework)
    targets = role_targets(user, framework)
    validations = latest_validations(user, framework)
    levels = current_levels(user, framework)
    return [
        (
            area,
            [
                ProfileRow(
                    competency=competency,
                    self_assessed=answers.get(competency.pk),
                    answered=competency.pk in answers,
                    validated=validations[competency.pk].level
                    if competency.pk in validations
                    else None,
                    target=targets.get(competency.pk),
                    reported=levels.get(competency.pk, UNKNOWN),
                )
                for competency in area.competencies.all()
            ],
        )
        for area in areas_with_competencies(framework)
    ]


def competency_titles(framework: Framework) -> dict[str, str]:
    """Competency code -> title in the active language (else the framework's own), for
    reports whose rows carry codes."""
    return {
        competency.code: competency.translated("title")
        for competency in Competency.objects.filter(framework=framework).only(
            "code", "title", "translations"
        )
    }


def area_titles(framework: Framework) -> dict[str, str]:
    """Area code -> title in the active language (else the framework's own)."""
    return {area.code: area.translated("title") for area in framework.areas.all()}
