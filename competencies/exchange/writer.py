"""Writes a checked framework in one transaction, keeping the identifiers it carries.

`services.framework_load` cannot be used here: it updates a framework in place and mints new
identifiers, while an import must create a new framework version and keep the identifiers a
CASE file carries, so that learning-record IRIs built from them do not change.
"""

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from competencies.exchange.data import FrameworkData
from competencies.exchange.errors import ImportRefused, RowError
from competencies.models import (
    Area,
    Competency,
    CrosswalkLink,
    Framework,
    LevelDescriptor,
    ProficiencyLevel,
    RoleRequirement,
)
from competencies.services import crosswalk_resolve
from competencies.translation import clean_translations
from organisations.models import Department, JobRole


@dataclass(frozen=True)
class Written:
    framework: Framework
    counts: dict[str, int]
    # Identifiers in the file that something here already had; those rows got new ones.
    renewed: list[str] = field(default_factory=list)


@transaction.atomic
def framework_write(data: FrameworkData) -> Written:
    """Create the framework `data` describes (a new slug and version) with its scale, areas,
    competencies, descriptors, crosswalk and role requirements."""
    renewed = []
    given = data.get("uuid")
    if given and Framework.objects.filter(uuid=given).exists():
        renewed.append(given)
        given = None
    framework = Framework(
        slug=data["slug"],
        name=data["name"],
        version=data["version"],
        status=data["status"],
        publisher=data["publisher"],
        source=data["source"],
        licence=data["licence"],
        description=data["description"],
        language=data.get("language") or Framework._meta.get_field("language").default,
        translations=clean_translations(data.get("translations")),
        uuid=given or uuid.uuid4(),
    )
    try:
        framework.full_clean()
    except ValidationError as error:
        raise ImportRefused(
            [
                RowError(None, name, " ".join(messages))
                for name, messages in error.message_dict.items()
            ]
        ) from None
    framework.save()
    if data.get("last_change"):
        # Keep the file's timestamp (auto_now would overwrite it on save).
        Framework.objects.filter(pk=framework.pk).update(updated_at=data["last_change"])
        framework.refresh_from_db(fields=["updated_at"])
    ProficiencyLevel.objects.bulk_create(
        ProficiencyLevel(
            framework=framework,
            number=level["number"],
            name=level["name"],
            description=level["description"],
            translations=clean_translations(level.get("translations")),
        )
        for level in data["levels"]
    )
    items = [item for area in data["areas"] for item in area["competencies"]]
    held = Competency.objects.filter(uuid__in=[i["uuid"] for i in items if i.get("uuid")])
    # An identifier already used here gets a new one; when it was this framework's (another
    # version of it), the new competency supersedes the held one.
    holders = {
        str(key): (pk if slug == framework.slug else None)
        for key, pk, slug in held.values_list("uuid", "pk", "framework__slug")
    }
    competencies: dict[str, Competency] = {}  # the file's identifier (or code) -> new row
    order = 0
    for area_order, area_data in enumerate(data["areas"]):
        area = Area.objects.create(
            framework=framework,
            code=area_data["code"],
            title=area_data["title"],
            description=area_data["description"],
            translations=clean_translations(area_data.get("translations")),
            sort_order=area_order,
        )
        for item in area_data["competencies"]:
            taken = item.get("uuid") in holders
            holder = holders.get(item.get("uuid"))
            if taken:
                renewed.append(item["uuid"])
            competencies[item["code"]] = Competency.objects.create(
                framework=framework,
                area=area,
                code=item["code"],
                title=item["title"],
                description=item["description"],
                translations=clean_translations(item.get("translations")),
                sort_order=order,
                supersedes_id=holder,
                uuid=item["uuid"] if item.get("uuid") and not taken else uuid.uuid4(),
            )
            order += 1
    descriptors = [
        LevelDescriptor(
            competency=competencies[item["code"]],
            level=level,
            text=text,
            translations=clean_translations(
                {
                    language: {"text": translated}
                    for language, translated in (
                        item.get("descriptor_translations", {}).get(level) or {}
                    ).items()
                }
            ),
        )
        for item in items
        for level, text in item["descriptors"].items()
        if text.strip()
    ]
    LevelDescriptor.objects.bulk_create(descriptors)
    links = _crosswalk(items, competencies)
    CrosswalkLink.objects.bulk_create(links)
    requirements = _requirements(data["requirements"], competencies)
    RoleRequirement.objects.bulk_create(requirements)
    crosswalk_resolve()
    counts = {
        "levels": len(data["levels"]),
        "areas": len(data["areas"]),
        "competencies": len(competencies),
        "descriptors": len(descriptors),
        "crosswalk links": len(links),
        "role requirements": len(requirements),
    }
    return Written(framework=framework, counts=counts, renewed=renewed)


def _crosswalk(items: list[dict], competencies: dict[str, Competency]) -> list[CrosswalkLink]:
    """Links point at a competency of this file, or one held here, when the file names one."""
    in_file = {item["uuid"]: competencies[item["code"]] for item in items if item.get("uuid")}
    wanted = {link["target"] for item in items for link in item["crosswalk"] if link["target"]}
    held = {str(c.uuid): c for c in Competency.objects.filter(uuid__in=wanted - set(in_file))}
    return [
        CrosswalkLink(
            competency=competencies[item["code"]],
            scheme=link["scheme"],
            code=link["code"],
            verified=link["verified"],
            target=in_file.get(link["target"]) or held.get(link["target"]),
        )
        for item in items
        for link in item["crosswalk"]
    ]


def _requirements(rows: list[dict], competencies: dict[str, Competency]) -> list[RoleRequirement]:
    names = {row["job_role"] for row in rows}
    roles = {role.name: role for role in JobRole.objects.filter(name__in=names)}
    codes = {row["department"] for row in rows if row["department"]}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    # Checked when the file was read; a role or department removed since then refuses it.
    gone = [
        RowError(
            None, "Role", gettext("job role %(name)s is no longer held here") % {"name": repr(name)}
        )
        for name in sorted(names - set(roles))
    ] + [
        RowError(
            None,
            "Department",
            gettext("department %(code)s is no longer held here") % {"code": repr(code)},
        )
        for code in sorted(codes - set(departments))
    ]
    if gone:
        raise ImportRefused(gone)
    return [
        RoleRequirement(
            job_role=roles[row["job_role"]],
            competency=competencies[row["competency"]],
            department=departments[row["department"]] if row["department"] else None,
            level=row["level"],
        )
        for row in rows
    ]
