"""The plain data both formats read and write, what is already held here, and field limits.

A framework travels as one dict (`framework_data` reads it, `writer.framework_write` writes it):

    {"slug", "name", "version", "status" ("draft"/"published"), "publisher", "source",
     "licence", "description": str,
     "uuid": str | None, "last_change": datetime | None,
     "language": the framework's own language, "translations": {language: {field: text}},
     "levels": [{"number": int, "name": str, "description": str, "translations": {...}}],
     "areas": [{"code", "title", "description": str, "translations": {...},
                "competencies": [{"code", "title", "description": str, "uuid": str | None,
                                  "translations": {language: {"title", "description"}},
                                  "descriptors": {level number: text},
                                  "descriptor_translations": {level number: {language: text}},
                                  "crosswalk": [{"scheme", "code": str, "verified": bool,
                                                 "target": competency uuid | None}]}]}],
     "requirements": [{"job_role": name, "family": str, "competency": code,
                       "department": code | None, "level": int}]}
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from competencies.models import Competency, CrosswalkLink, Framework, RoleRequirement
from organisations.models import Department, JobRole

FrameworkData = dict[str, Any]


@dataclass(frozen=True)
class Held:
    """What an import may refer to: job roles by name, departments by code (both matched
    without regard to case), and the (slug, version) pairs already taken."""

    job_roles: Mapping[str, str]
    departments: Mapping[str, str]
    frameworks: frozenset[tuple[str, str]]

    def job_role(self, name: str) -> str | None:
        return self.job_roles.get(name.strip().casefold())

    def department(self, code: str) -> str | None:
        return self.departments.get(code.strip().casefold())


def held_now() -> Held:
    return Held(
        job_roles={
            name.casefold(): name for name in JobRole.objects.values_list("name", flat=True)
        },
        departments={
            code.casefold(): code for code in Department.objects.values_list("code", flat=True)
        },
        frameworks=frozenset(Framework.objects.values_list("slug", "version")),
    )


def too_long(value: str, model: type[Model], field: str) -> str | None:
    """A message when `value` does not fit the model field, else None."""
    limit = model._meta.get_field(field).max_length
    if limit is not None and len(value) > limit:
        return _("is %(length)s characters long; at most %(limit)s fit") % {
            "length": len(value),
            "limit": limit,
        }
    return None


def framework_data(framework: Framework) -> FrameworkData:
    """Everything about a framework that the exchange formats carry, as plain data."""
    competencies = (
        Competency.objects.filter(framework=framework)
        .order_by("sort_order", "code")
        .prefetch_related("descriptors")
    )
    links: dict[int, list[dict]] = {}
    for link in (
        CrosswalkLink.objects.filter(competency__framework=framework)
        .select_related("target")
        .order_by("scheme", "code")
    ):
        links.setdefault(link.competency_id, []).append(
            {
                "scheme": link.scheme,
                "code": link.code,
                "verified": link.verified,
                "target": str(link.target.uuid) if link.target else None,
            }
        )
    by_area: dict[int, list[dict]] = {}
    for competency in competencies:
        by_area.setdefault(competency.area_id, []).append(
            {
                "code": competency.code,
                "title": competency.title,
                "description": competency.description,
                "uuid": str(competency.uuid),
                "translations": competency.translations,
                "descriptors": {d.level: d.text for d in competency.descriptors.all()},
                "descriptor_translations": {
                    d.level: {language: t["text"] for language, t in d.translations.items()}
                    for d in competency.descriptors.all()
                    if d.translations
                },
                "crosswalk": links.get(competency.pk, []),
            }
        )
    requirements = (
        RoleRequirement.objects.filter(competency__framework=framework)
        .select_related("job_role", "department", "competency")
        .order_by("job_role__name", "competency__code", "department__code")
    )
    return {
        "slug": framework.slug,
        "name": framework.name,
        "version": framework.version,
        "status": framework.status,
        "publisher": framework.publisher,
        "source": framework.source,
        "licence": framework.licence,
        "description": framework.description,
        "uuid": str(framework.uuid),
        "last_change": framework.updated_at,
        "language": framework.language,
        "translations": framework.translations,
        "levels": [
            {
                "number": level.number,
                "name": level.name,
                "description": level.description,
                "translations": level.translations,
            }
            for level in framework.levels.order_by("number")
        ],
        "areas": [
            {
                "code": area.code,
                "title": area.title,
                "description": area.description,
                "translations": area.translations,
                "competencies": by_area.get(area.pk, []),
            }
            for area in framework.areas.order_by("sort_order", "code")
        ],
        "requirements": [
            {
                "job_role": requirement.job_role.name,
                "family": requirement.job_role.family,
                "competency": requirement.competency.code,
                "department": requirement.department.code if requirement.department else None,
                "level": requirement.level,
            }
            for requirement in requirements
        ],
    }
