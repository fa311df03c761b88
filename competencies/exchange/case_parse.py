"""Reading a CASE CFPackage back into framework data; `case.py` describes the mapping."""

import json
from datetime import datetime
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext

from competencies.exchange.case import LEVEL_KEYWORD, STATUSES
from competencies.exchange.case_read import Package, read_rubrics
from competencies.exchange.case_tree import read_items, read_tree
from competencies.exchange.data import FrameworkData, Held
from competencies.exchange.errors import ImportRefused, RowError
from competencies.exchange.languages import DOCUMENT_FIELDS, from_case, levels_from_case
from competencies.models import Framework, ProficiencyLevel
from competencies.translation import language_codes

_STATUSES = {label.casefold(): value for value, label in STATUSES.items()}
_STATUSES["private draft"] = "draft"
_LARGEST_LEVEL = 32767  # what a PositiveSmallIntegerField holds


def case_parse(
    content: bytes | str | dict,
    *,
    held: Held,
    name: str | None = None,
    version: str | None = None,
    kinds: dict[str, str] | None = None,
) -> FrameworkData:
    """Read and check a whole CASE 1.0 or 1.1 CFPackage; raise ImportRefused listing every
    fault by JSON path. `kinds` maps item types to "area" or "competency" (see case_tree);
    data["mapping"] says how many items of each type became which."""
    package = _load(content)
    check = Package()
    root = check.obj(package, "(package)")
    if "CFDocument" not in root:
        raise ImportRefused([RowError(None, "CFDocument", gettext("is required"))])
    definitions = check.obj(root.get("CFDefinitions", {}), "CFDefinitions")
    licences = {
        str(licence.get("identifier")): licence
        for licence in check.array(definitions, "CFLicenses", "CFDefinitions.")
        if isinstance(licence, dict)
    }
    document = check.obj(root["CFDocument"], "CFDocument")
    data = _document(check, document, licences, name=name, version=version)
    item_types = {
        str(t.get("identifier")).lower(): t.get("title")
        for i, t in enumerate(check.array(definitions, "CFItemTypes", "CFDefinitions."))
        if isinstance(t, dict)
    }
    scale = _scale(check, definitions)
    items = read_items(check, root, item_types)
    groupings = {
        str(g.get("identifier")): g.get("title")
        for g in check.array(definitions, "CFAssociationGroupings", "CFDefinitions.")
        if isinstance(g, dict)
    }
    areas, competencies, data["mapping"] = read_tree(check, root, data, items, groupings, kinds)
    descriptors = read_rubrics(check, root, items, competencies, scale, data["notes"])
    for identifier, competency in competencies.items():
        competency["descriptors"] = descriptors.get(identifier, {})
    level_translations = data.pop("level_translations", {})
    data["levels"] = [
        {"number": n, "name": level[0], "description": level[1]}
        | ({"translations": level_translations[n]} if n in level_translations else {})
        for n, level in sorted(scale.items())
    ]
    data["areas"] = areas
    data["requirements"] = []
    if (data["slug"], data["version"]) in held.frameworks:
        check.fault(
            "CFDocument.version",
            gettext(
                "%(name)s version %(version)s is already held here; import it under another version"
            )
            % {"name": data["name"], "version": data["version"]},
        )
    if check.errors:
        raise ImportRefused(check.errors)
    return data


def _load(content: bytes | str | dict) -> Any:
    if isinstance(content, dict):
        return content
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = content.count(b"\n", 0, error.start) + 1
            raise ImportRefused([RowError(line, "(file)", gettext("is not UTF-8 text"))]) from None
    try:
        return json.loads(content)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                RowError(
                    error.lineno,
                    gettext("(JSON, column %(number)s)") % {"number": error.colno},
                    error.msg,
                )
            ]
        ) from None


def _document(
    check: Package, document: dict, licences: dict, *, name: str | None, version: str | None
) -> FrameworkData:
    path = "CFDocument."
    data: FrameworkData = {"notes": [], "uuid": check.identifier(document, "identifier", path)}
    data["name"] = name or check.text(
        document, "title", path, required=True, model=Framework, field="name"
    )
    check.require(document, ("uri", "creator", "lastChangeDateTime"), path)
    # CASE makes the version optional; without one the date of the last change stands in.
    given = check.text(document, "version", path, model=Framework, field="version")
    changed = document.get("lastChangeDateTime")
    dated = changed[:10] if isinstance(changed, str) and len(changed) >= 10 else "1"
    data["version"] = version or given or dated
    data["publisher"] = check.text(
        document,
        "publisher" if "publisher" in document else "creator",
        path,
        model=Framework,
        field="publisher",
    )
    data["description"] = check.text(document, "description", path)
    data["source"] = check.text(document, "officialSourceURL", path) or check.text(
        document, "notes", path
    )
    status = check.text(document, "adoptionStatus", path) or "Draft"
    if status.casefold() not in _STATUSES:
        check.fault(
            f"{path}adoptionStatus",
            gettext("%(status)s is not one of: Draft, Adopted") % {"status": repr(status)},
        )
    data["status"] = _STATUSES.get(status.casefold(), "draft")
    data["last_change"] = _datetime(check, document, path)
    extensions = document.get("extensions") if isinstance(document.get("extensions"), dict) else {}
    data["slug"] = extensions.get("slug") or slugify(data["name"])[:60].strip("-")
    _document_languages(check, document, extensions, data)
    if not isinstance(data["slug"], str) or data["slug"] != slugify(data["slug"]):
        check.fault(
            f"{path}extensions.slug", gettext("use only lower-case letters, digits and hyphens")
        )
    data["licence"] = ""
    if "licenseURI" in document:
        licence = check.obj(document["licenseURI"], f"{path}licenseURI")
        licence = licences.get(str(licence.get("identifier")), licence)
        data["licence"] = check.text(
            licence, "title", f"{path}licenseURI.", required=True, model=Framework, field="licence"
        )
    return data


def _document_languages(check: Package, document: dict, extensions: dict, data: dict) -> None:
    """The framework's own language and the translations the document carries."""
    given = document.get("language")
    if isinstance(given, str) and given.strip():
        tag = given.strip().lower()
        matches = [c for c in language_codes() if c == tag] + [
            c for c in language_codes() if c.split("-")[0] == tag.split("-")[0]
        ]
        if not matches:
            check.fault(
                "CFDocument.language",
                gettext("%(language)s is not a language here; use %(languages)s")
                % {"language": repr(given), "languages": ", ".join(language_codes())},
            )
        else:
            data["language"] = matches[0]
    path = "CFDocument.extensions."
    if "translations" in extensions:
        data["translations"] = from_case(
            check, extensions["translations"], DOCUMENT_FIELDS, f"{path}translations"
        )
    if "levelTranslations" in extensions:
        data["level_translations"] = levels_from_case(
            check, extensions["levelTranslations"], f"{path}levelTranslations"
        )


def _datetime(check: Package, parent: dict, path: str) -> datetime | None:
    value = check.text(parent, "lastChangeDateTime", path)
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        check.fault(
            f"{path}lastChangeDateTime",
            gettext("%(value)s is not a date and time") % {"value": repr(value)},
        )
        return None
    if when.tzinfo is None:
        check.fault(
            f"{path}lastChangeDateTime",
            gettext("%(value)s has no time zone") % {"value": repr(value)},
        )
        return None
    return when


def _scale(check: Package, definitions: dict) -> dict[int, tuple[str, str]]:
    scale: dict[int, tuple[str, str]] = {}
    for index, concept in enumerate(check.array(definitions, "CFConcepts", "CFDefinitions.")):
        path = f"CFDefinitions.CFConcepts[{index}]."
        concept = check.obj(concept, path.rstrip("."))
        if LEVEL_KEYWORD not in str(concept.get("keywords", "")).casefold():
            continue
        code = check.text(concept, "hierarchyCode", path, required=True)
        title = check.text(
            concept, "title", path, required=True, model=ProficiencyLevel, field="name"
        )
        if code and not code.isdigit():
            check.fault(
                f"{path}hierarchyCode",
                gettext("%(value)s is not a whole number (the level)") % {"value": repr(code)},
            )
        elif code and int(code) > _LARGEST_LEVEL:
            check.fault(
                f"{path}hierarchyCode",
                gettext("%(value)s is larger than %(largest)s")
                % {"value": code, "largest": _LARGEST_LEVEL},
            )
        elif code and int(code) in scale:
            check.fault(
                f"{path}hierarchyCode",
                gettext("level %(number)s is defined twice") % {"number": code},
            )
        elif code:
            scale[int(code)] = (title, check.text(concept, "description", path))
    return scale
