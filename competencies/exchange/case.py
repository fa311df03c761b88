"""A framework as a 1EdTech CASE 1.1 CFPackage (CFDocument, CFItems, CFAssociations,
CFDefinitions, CFRubrics).

How our data maps onto CASE:
- the framework is the CFDocument (identifier = framework uuid, adoptionStatus Draft/Adopted);
  its slug, which CASE has no field for, travels in CFDocument.extensions.slug; a source that is
  a URL is officialSourceURL, other source text is notes; the licence is a CFLicense;
- areas and competencies are CFItems of CFItemType "Area" and "Competency" (identifier = the
  competency uuid; areas' identifiers are uuid5 of the framework uuid and "area:<code>");
  humanCodingScheme = code, fullStatement = title, notes = description; isChildOf associations
  (area to document, competency to area) carry the order in sequenceNumber;
- the proficiency scale is one CFConcept per level (hierarchyCode = number, title = name,
  keywords "proficiency level"); descriptors are one CFRubric with a CFRubricCriterion per
  competency and a CFRubricCriterionLevel per descriptor (score = level number, quality =
  level name, description = descriptor text); undescribed levels are left out;
- a crosswalk link is an association from the competency: exactMatchOf when verified,
  isRelatedTo while unverified, grouped by scheme (one CFAssociationGrouping per scheme, whose
  title is the scheme); the destination is the target competency's item when it is held here,
  else an external node titled "<scheme> <code>" with uri "urn:<scheme>:<code>"
  (percent-encoded) and identifier uuid5(URL namespace, that urn).
Every other identifier is derived (uuid5) from the framework or competency uuid, and every
lastChangeDateTime is the framework's, so exporting the same data gives the same JSON.
"""

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from competencies.exchange.data import FrameworkData
from competencies.exchange.languages import (
    DOCUMENT_FIELDS,
    ITEM_FIELDS,
    LEVEL_FIELDS,
    case_language,
    to_case,
)

LEVEL_KEYWORD = "proficiency level"
VERIFIED, UNVERIFIED = "exactMatchOf", "isRelatedTo"
ITEM_TYPES = {
    "Area": ("1", "area", "A group of related competencies."),
    "Competency": ("2", "competency", "Something a person can do, described at each level."),
}
STATUSES = {"draft": "Draft", "published": "Adopted"}


def derived_id(parent: str, name: str) -> str:
    return str(uuid.uuid5(uuid.UUID(parent), name))


def external_urn(scheme: str, code: str) -> str:
    return f"urn:{quote(scheme, safe='')}:{quote(code, safe='')}"


def timestamp(when: datetime | None) -> str:
    when = when or datetime.now(UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_url(text: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return False
    return True


def case_export(data: FrameworkData, *, base_uri: str) -> dict[str, Any]:
    """The CFPackage for a framework. `base_uri` prefixes every uri, e.g. the site's
    "https://learning.example.gov/ims/case/v1p1"."""
    framework_id, when = data["uuid"], timestamp(data["last_change"])

    def uri(kind: str, identifier: str) -> str:
        return f"{base_uri.rstrip('/')}/{kind}/{identifier}"

    def link(kind: str, identifier: str, title: str) -> dict[str, str]:
        return {"title": title, "identifier": identifier, "uri": uri(kind, identifier)}

    document = {
        "identifier": framework_id,
        "uri": uri("CFDocuments", framework_id),
        "caseVersion": "1.1",
        "creator": data["publisher"] or data["name"],
        "title": data["name"],
        "lastChangeDateTime": when,
        "publisher": data["publisher"],
        "language": case_language(data.get("language", "")),
        "version": data["version"],
        "adoptionStatus": STATUSES[data["status"]],
    }
    if data["description"]:
        document["description"] = data["description"]
    if data["source"]:
        document["officialSourceURL" if is_url(data["source"]) else "notes"] = data["source"]
    definitions: dict[str, list] = {"CFItemTypes": [], "CFConcepts": []}
    types = {}
    for title, (hierarchy, code, description) in ITEM_TYPES.items():
        identifier = derived_id(framework_id, f"item-type:{title}")
        types[title] = link("CFItemTypes", identifier, title)
        definitions["CFItemTypes"].append(
            types[title]
            | {
                "description": description,
                "hierarchyCode": hierarchy,
                "typeCode": code,
                "lastChangeDateTime": when,
            }
        )
    if data["licence"]:
        licence = link("CFLicenses", derived_id(framework_id, "licence"), data["licence"])
        document["licenseURI"] = licence
        definitions["CFLicenses"] = [
            licence | {"licenseText": data["licence"], "lastChangeDateTime": when}
        ]
    document["extensions"] = {"slug": data["slug"]}
    if translations := to_case(data.get("translations") or {}, DOCUMENT_FIELDS):
        document["extensions"]["translations"] = translations
    level_translations: dict[str, dict] = {}
    for level in data["levels"]:
        for language, texts in to_case(level.get("translations") or {}, LEVEL_FIELDS).items():
            level_translations.setdefault(language, {})[str(level["number"])] = texts
    if level_translations:
        document["extensions"]["levelTranslations"] = level_translations
    names = {}
    for level in data["levels"]:
        names[level["number"]] = level["name"]
        identifier = derived_id(framework_id, f"level:{level['number']}")
        concept = link("CFConcepts", identifier, level["name"]) | {
            "keywords": LEVEL_KEYWORD,
            "hierarchyCode": str(level["number"]),
        }
        if level["description"]:
            concept["description"] = level["description"]
        definitions["CFConcepts"].append(concept | {"lastChangeDateTime": when})
    document_link = link("CFDocuments", framework_id, data["name"])
    items, associations, criteria, groupings = [], [], [], {}

    def associate(kind: str, origin: dict, destination: dict, **extra: Any) -> None:
        key = f"{kind}:{origin['identifier']}:{destination['identifier']}"
        identifier = derived_id(framework_id, key)
        associations.append(
            {
                "identifier": identifier,
                "associationType": kind,
                "uri": uri("CFAssociations", identifier),
                "originNodeURI": origin,
                "destinationNodeURI": destination,
                "lastChangeDateTime": when,
            }
            | extra
        )

    def item(
        identifier: str, kind: str, code: str, title: str, notes: str, row: dict
    ) -> dict[str, str]:
        extensions = {}
        if translations := to_case(row.get("translations") or {}, ITEM_FIELDS):
            extensions["translations"] = translations
        descriptors: dict[str, dict] = {}
        for number, texts in sorted((row.get("descriptor_translations") or {}).items()):
            for language, text in sorted(texts.items()):
                if text.strip():
                    descriptors.setdefault(language, {})[str(number)] = text
        if descriptors:
            extensions["descriptorTranslations"] = descriptors
        items.append(
            {
                "identifier": identifier,
                "fullStatement": title,
                "CFItemType": kind,
                "uri": uri("CFItems", identifier),
                "humanCodingScheme": code,
            }
            | ({"notes": notes} if notes else {})
            | {
                "language": case_language(data.get("language", "")),
                "CFItemTypeURI": types[kind],
                "lastChangeDateTime": when,
            }
            | ({"extensions": extensions} if extensions else {})
        )
        return link("CFItems", identifier, f"{code} {title}")

    for area_number, area in enumerate(data["areas"], start=1):
        area_id = derived_id(framework_id, f"area:{area['code']}")
        area_link = item(area_id, "Area", area["code"], area["title"], area["description"], area)
        associate("isChildOf", area_link, document_link, sequenceNumber=area_number)
        for number, competency in enumerate(area["competencies"], start=1):
            competency_link = item(
                competency["uuid"],
                "Competency",
                competency["code"],
                competency["title"],
                competency["description"],
                competency,
            )
            associate("isChildOf", competency_link, area_link, sequenceNumber=number)
            for crosswalk in competency["crosswalk"]:
                scheme = crosswalk["scheme"]
                if scheme not in groupings:
                    identifier = derived_id(framework_id, f"scheme:{scheme}")
                    groupings[scheme] = link("CFAssociationGroupings", identifier, scheme)
                associate(
                    VERIFIED if crosswalk["verified"] else UNVERIFIED,
                    competency_link,
                    _destination(crosswalk, link),
                    CFAssociationGroupingURI=groupings[scheme],
                )
            criteria.append(_criterion(competency, competency_link, names, uri, when))
    if groupings:
        definitions["CFAssociationGroupings"] = [
            grouping | {"lastChangeDateTime": when} for grouping in groupings.values()
        ]
    rubric_id = derived_id(framework_id, "rubric")
    for position, criterion in enumerate(criteria, start=1):
        criterion["position"], criterion["rubricId"] = position, rubric_id
    rubric = {
        "identifier": rubric_id,
        "uri": uri("CFRubrics", rubric_id),
        "title": f"{data['name']} {data['version']}: level descriptors",
        "lastChangeDateTime": when,
        "CFRubricCriteria": criteria,
    }
    return {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": definitions,
        "CFRubrics": [rubric],
    }


def _destination(crosswalk: dict, link) -> dict[str, str]:
    title = f"{crosswalk['scheme']} {crosswalk['code']}"
    if crosswalk["target"]:
        return link("CFItems", crosswalk["target"], title)
    urn = external_urn(crosswalk["scheme"], crosswalk["code"])
    return {"title": title, "identifier": str(uuid.uuid5(uuid.NAMESPACE_URL, urn)), "uri": urn}


def _criterion(competency: dict, item_link: dict, names: dict, uri, when: str) -> dict:
    identifier = derived_id(competency["uuid"], "criterion")
    levels = []
    for number in sorted(competency["descriptors"]):
        level_id = derived_id(competency["uuid"], f"level:{number}")
        levels.append(
            {
                "identifier": level_id,
                "uri": uri("CFRubricCriterionLevels", level_id),
                "description": competency["descriptors"][number],
                "quality": names.get(number, str(number)),
                "score": number,
                "position": len(levels) + 1,
                "rubricCriterionId": identifier,
                "lastChangeDateTime": when,
            }
        )
    return {
        "identifier": identifier,
        "uri": uri("CFRubricCriteria", identifier),
        "description": competency["title"],
        "CFItemURI": item_link,
        "lastChangeDateTime": when,
        "CFRubricCriterionLevels": levels,
    }
