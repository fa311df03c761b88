"""Writes for competencies: loading frameworks and role requirements from declarative data,
new framework versions, self-assessment and manager validation."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from competencies.models import (
    Area,
    Competency,
    CrosswalkLink,
    Framework,
    LevelDescriptor,
    ManagerValidation,
    ProficiencyLevel,
    RoleRequirement,
    SelfAssessment,
)
from competencies.translation import clean_translations
from competencies.xapi import manager_validation_statement, self_assessment_statement
from jobs.coalescing import tasks_coalesced
from organisations.models import Department, JobRole, Membership

# Which framework a crosswalk scheme name points at, when that framework is held here.
SCHEME_FRAMEWORKS = {"DigComp 2.2": "digcomp22"}


@transaction.atomic
@tasks_coalesced()
def framework_load(data: Mapping[str, Any]) -> Framework:
    """Create or update a framework (by slug and version) with its scale, areas, competencies,
    descriptors and crosswalk from plain data. Idempotent; anything not in the data is removed."""
    framework = Framework.objects.filter(slug=data["slug"], version=data["version"]).first()
    framework = framework or Framework(slug=data["slug"], version=data["version"])
    for field in ("name", "publisher", "source", "licence", "description", "status", "language"):
        setattr(framework, field, data.get(field, getattr(framework, field)))
    framework.translations = clean_translations(data.get("translations"))
    framework.full_clean()
    framework.save()
    levels = [
        ProficiencyLevel(
            framework=framework,
            number=item["number"],
            name=item["name"],
            description=item.get("description", ""),
            translations=clean_translations(item.get("translations")),
        )
        for item in data["levels"]
    ]
    ProficiencyLevel.objects.filter(framework=framework).delete()
    ProficiencyLevel.objects.bulk_create(levels)
    level_numbers = {level.number for level in levels}
    # Loading the same data again writes nothing: each row is saved only when it differs, so
    # reloading a framework does not re-index every competency or re-create its links.
    areas = {a.code: a for a in Area.objects.filter(framework=framework)}
    held = {c.code: c for c in Competency.objects.filter(framework=framework)}
    descriptors: dict[int, dict[int, tuple]] = {}
    for competency_id, level, text, translations in LevelDescriptor.objects.filter(
        competency__framework=framework
    ).values_list("competency_id", "level", "text", "translations"):
        descriptors.setdefault(competency_id, {})[level] = (text, translations)
    links: dict[int, list[tuple]] = {}
    for competency_id, *link in CrosswalkLink.objects.filter(
        competency__framework=framework
    ).values_list("competency_id", "scheme", "code", "verified"):
        links.setdefault(competency_id, []).append(tuple(link))
    kept_codes = []
    for area_order, area_data in enumerate(data["areas"]):
        area = _saved_if_changed(
            areas.get(area_data["code"]) or Area(framework=framework, code=area_data["code"]),
            title=area_data["title"],
            description=area_data.get("description", ""),
            translations=clean_translations(area_data.get("translations")),
            sort_order=area_order,
        )
        for order, item in enumerate(area_data["competencies"]):
            competency = _saved_if_changed(
                held.get(item["code"]) or Competency(framework=framework, code=item["code"]),
                area_id=area.pk,
                title=item["title"],
                description=item.get("description", ""),
                translations=clean_translations(item.get("translations")),
                sort_order=area_order * 100 + order,
            )
            kept_codes.append(item["code"])
            wanted = item.get("descriptors", {})
            _check_descriptor_levels(competency, wanted, level_numbers)
            in_other = item.get("descriptor_translations", {})
            wanted = {
                int(level): (text, _descriptor_translations(in_other, level))
                for level, text in wanted.items()
                if text.strip()
            }
            if descriptors.get(competency.pk, {}) != wanted:
                _replace_descriptors(competency, wanted)
            wanted_links = [
                (link["scheme"], link["code"], link.get("verified", True))
                for link in item.get("crosswalk", [])
            ]
            if sorted(links.get(competency.pk, [])) != sorted(wanted_links):
                _replace_crosswalk(competency, wanted_links)
    Competency.objects.filter(framework=framework).exclude(code__in=kept_codes).delete()
    Area.objects.filter(framework=framework).exclude(
        code__in=[a["code"] for a in data["areas"]]
    ).delete()
    crosswalk_resolve()
    return framework


def _saved_if_changed(row, **values):
    """Save `row` with `values` when it is new or any of them differ."""
    if row.pk is not None and all(getattr(row, k) == v for k, v in values.items()):
        return row
    for field, value in values.items():
        setattr(row, field, value)
    row.save()
    return row


def _check_descriptor_levels(competency: Competency, descriptors: Mapping[str, str], levels):
    for level in descriptors:
        if int(level) not in levels:
            raise ValidationError(
                f"{competency.code}: descriptor for level {level}, which the scale lacks"
            )


def _descriptor_translations(in_other: Mapping, level) -> dict:
    """{"fr": {"text": ...}} from the data's {level: {"fr": text}}."""
    texts = in_other.get(str(level)) or in_other.get(int(level)) or {}
    return clean_translations({language: {"text": text} for language, text in texts.items()})


def _replace_descriptors(competency: Competency, descriptors: Mapping[int, tuple]) -> None:
    LevelDescriptor.objects.filter(competency=competency).delete()
    LevelDescriptor.objects.bulk_create(
        LevelDescriptor(competency=competency, level=level, text=text, translations=translations)
        for level, (text, translations) in descriptors.items()
    )


def _replace_crosswalk(competency: Competency, links) -> None:
    CrosswalkLink.objects.filter(competency=competency).delete()
    CrosswalkLink.objects.bulk_create(
        CrosswalkLink(competency=competency, scheme=scheme, code=code, verified=verified)
        for scheme, code, verified in links
    )


def crosswalk_resolve() -> int:
    """Point crosswalk links at the competencies they name when that framework is held here
    (the latest published version of it). Returns how many links now have a target."""
    resolved = 0
    for scheme, slug in SCHEME_FRAMEWORKS.items():
        framework = (
            Framework.objects.filter(slug=slug, status=Framework.Status.PUBLISHED)
            .order_by("-pk")
            .first()
        )
        if framework is None:
            continue
        by_code = dict(Competency.objects.filter(framework=framework).values_list("code", "pk"))
        for link in CrosswalkLink.objects.filter(scheme=scheme):
            target = by_code.get(link.code)
            if link.target_id != target:
                link.target_id = target
                link.save(update_fields=["target"])
            resolved += target is not None
    return resolved


@transaction.atomic
def role_requirements_load(data: Mapping[str, Any]) -> int:
    """Role requirements from area-level profiles, competency overrides, the "basic for all"
    minimum and department overrides. Replaces the framework's requirements; returns a count."""
    framework = Framework.objects.filter(slug=data["framework"]).order_by("-pk").first()
    if framework is None:
        raise ValidationError(f"No framework {data['framework']!r} is loaded.")
    competencies = list(Competency.objects.filter(framework=framework).select_related("area"))
    by_code = {c.code: c for c in competencies}
    roles = {r.code: r for r in JobRole.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    basic = data.get("basic_for_all", {})
    rows = []
    for role_code, area_levels in data["profiles"].items():
        role = roles.get(role_code)
        if role is None:
            raise ValidationError(f"Unknown job role {role_code!r} in the role profiles.")
        overrides = data.get("competency_overrides", {}).get(role_code, {})
        for competency in competencies:
            level = overrides.get(competency.code, area_levels.get(competency.area.code, 0))
            if competency.code in basic.get("competencies", []):
                level = max(level, basic.get("minimum", 0))
            if level > 0:
                rows.append(RoleRequirement(job_role=role, competency=competency, level=level))
    for item in data.get("department_overrides", []):
        if item["department"] not in departments or item["competency"] not in by_code:
            raise ValidationError(f"Unknown department or competency in override {item}.")
        rows.append(
            RoleRequirement(
                job_role=roles[item["job_role"]],
                competency=by_code[item["competency"]],
                department=departments[item["department"]],
                level=item["level"],
            )
        )
    # Only what changed is written: loading the same requirements again deletes and inserts
    # nothing (each deletion also clears the row from the CMS's reference index, one by one).
    held = {
        (r.job_role_id, r.competency_id, r.department_id): r
        for r in RoleRequirement.objects.filter(competency__framework=framework)
    }
    wanted = {(r.job_role_id, r.competency_id, r.department_id): r for r in rows}
    gone = [r.pk for key, r in held.items() if key not in wanted]
    if gone:
        RoleRequirement.objects.filter(pk__in=gone).delete()
    changed = []
    for key, row in held.items():
        if key in wanted and row.level != wanted[key].level:
            row.level = wanted[key].level
            changed.append(row)
    RoleRequirement.objects.bulk_update(changed, ["level"])
    RoleRequirement.objects.bulk_create([r for key, r in wanted.items() if key not in held])
    return len(rows)


@transaction.atomic
def self_assessment_save(*, user: User, answers: Mapping[Competency, int | None]) -> int:
    """Store a person's answers for some competencies and record each change as a statement.

    `None` means "I don't know", which is kept apart from level 0. Unchanged answers record
    nothing. Returns how many answers changed.
    """
    current = {
        sa.competency_id: sa
        for sa in SelfAssessment.objects.filter(user=user, competency__in=list(answers))
    }
    changed = 0
    now = timezone.now()
    for competency, level in answers.items():
        _check_level(competency, level, allow_unknown=True)
        existing = current.get(competency.pk)
        if existing is not None and existing.level == level:
            continue
        statement_id = self_assessment_statement(
            user=user, competency=competency, level=level, when=now
        )
        SelfAssessment.objects.update_or_create(
            user=user,
            competency=competency,
            defaults={"level": level, "statement_id": statement_id},
        )
        changed += 1
    return changed


@transaction.atomic
def manager_validation_record(
    *, manager: User, learner: User, competency: Competency, level: int, comment: str = ""
) -> ManagerValidation:
    """A line manager confirms or adjusts a direct report's level."""
    is_manager = Membership.objects.filter(user=learner, line_manager=manager).exists()
    if not is_manager:
        raise PermissionDenied("Only a person's line manager can validate their level.")
    _check_level(competency, level, allow_unknown=False)
    now = timezone.now()
    statement_id = manager_validation_statement(
        learner=learner, manager=manager, competency=competency, level=level, when=now
    )
    return ManagerValidation.objects.create(
        learner=learner,
        manager=manager,
        competency=competency,
        level=level,
        comment=comment.strip(),
        statement_id=statement_id,
    )


def _check_level(competency: Competency, level: int | None, *, allow_unknown: bool) -> None:
    if level is None:
        if not allow_unknown:
            raise ValidationError("Choose a level.")
        return
    numbers = set(competency.framework.levels.values_list("number", flat=True))
    if level not in numbers:
        raise ValidationError(f"{level} is not a level of {competency.framework.name}.")
