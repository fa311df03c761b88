"""Typed reads from a CFPackage with every fault kept under its JSON path, and the readers
for its items, associations and rubrics."""

import re
from math import isfinite
from typing import Any
from urllib.parse import unquote

from django.db.models import Model

from competencies.exchange.case import UNVERIFIED, VERIFIED
from competencies.exchange.data import too_long
from competencies.exchange.errors import RowError
from competencies.models import Area, Competency, CrosswalkLink

_LARGEST_LEVEL = 32767  # what a PositiveSmallIntegerField holds
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Package:
    """Typed reads from the JSON with every fault recorded under its path."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def fault(self, path: str, message: str) -> None:
        self.errors.append(RowError(None, path, message))

    def obj(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            self.fault(path, "must be a JSON object")
            return {}
        return value

    def array(self, parent: dict, key: str, path: str) -> list:
        value = parent.get(key, [])
        if not isinstance(value, list):
            self.fault(f"{path}{key}", "must be a JSON array")
            return []
        return value

    def text(
        self,
        parent: dict,
        key: str,
        path: str,
        *,
        required: bool = False,
        model: type[Model] | None = None,
        field: str = "",
    ) -> str:
        value = parent.get(key)
        if value is None or value == "":
            if required:
                self.fault(f"{path}{key}", "is required")
            return ""
        if not isinstance(value, str):
            self.fault(f"{path}{key}", "must be a string")
            return ""
        if model is not None and (problem := too_long(value, model, field)):
            self.fault(f"{path}{key}", problem)
        return value

    def require(self, parent: dict, keys: tuple[str, ...], path: str) -> None:
        """The keys CASE requires but this import does not keep must still be there."""
        for key in keys:
            self.text(parent, key, path, required=True)

    def identifier(self, parent: dict, key: str, path: str) -> str:
        value = self.text(parent, key, path, required=True)
        if value and not UUID.match(value.lower()):
            self.fault(f"{path}{key}", f"{value!r} is not a UUID")
            return ""
        return value.lower()


def read_items(check: Package, root: dict, item_types: dict) -> dict[str, dict]:
    """identifier -> {"kind", "code", "title", "description", "path"}. An item refused here is
    kept with kind None, so what refers to it adds no second error."""
    items: dict[str, dict] = {}
    codes: dict[tuple[str, str], str] = {}
    for index, raw in enumerate(check.array(root, "CFItems", "")):
        path = f"CFItems[{index}]."
        item = check.obj(raw, path.rstrip("."))
        identifier = check.identifier(item, "identifier", path)
        check.require(item, ("uri", "lastChangeDateTime"), path)
        refused = {"kind": None, "path": f"CFItems[{index}]"}
        if not identifier:
            items.setdefault(str(item.get("identifier", "")).lower(), refused)
            continue
        if identifier in items:
            check.fault(f"{path}identifier", f"{identifier} is used by {items[identifier]['path']}")
            continue
        kind = item.get("CFItemType")
        if kind is None and isinstance(item.get("CFItemTypeURI"), dict):
            kind = item_types.get(str(item["CFItemTypeURI"].get("identifier")))
        kind = str(kind or "").strip().title()
        if kind not in ("Area", "Competency"):
            check.fault(f"{path}CFItemType", f"{kind or 'nothing'!r} is not Area or Competency")
            items[identifier] = refused
            continue
        model = Area if kind == "Area" else Competency
        code = check.text(item, "humanCodingScheme", path, required=True, model=model, field="code")
        title = check.text(item, "fullStatement", path, required=True, model=model, field="title")
        if code and (kind, code) in codes:
            check.fault(
                f"{path}humanCodingScheme", f"{kind} code {code!r} is also {codes[kind, code]}"
            )
        codes[kind, code] = f"CFItems[{index}]"
        items[identifier] = {
            "kind": kind,
            "code": code,
            "title": title,
            "path": f"CFItems[{index}]",
            "description": check.text(item, "notes", path),
        }
    return items


def read_hierarchy(
    check: Package, root: dict, data: dict, items: dict[str, dict], definitions: dict
) -> tuple[list[dict], dict[str, dict]]:
    """The areas in order, each with its competencies in order and their crosswalk links."""
    groupings = {
        str(g.get("identifier")): g.get("title")
        for g in check.array(definitions, "CFAssociationGroupings", "CFDefinitions.")
        if isinstance(g, dict)
    }
    parents: dict[str, tuple[str, int, int]] = {}
    orphans: set[str] = set()  # items whose isChildOf was already reported or whose parent was
    crosswalk: dict[str, list[dict]] = {}
    for index, raw in enumerate(check.array(root, "CFAssociations", "")):
        path = f"CFAssociations[{index}]."
        association = check.obj(raw, path.rstrip("."))
        kind = check.text(association, "associationType", path, required=True)
        check.require(association, ("identifier", "uri", "lastChangeDateTime"), path)
        origin = check.obj(association.get("originNodeURI"), f"{path}originNodeURI")
        target = check.obj(association.get("destinationNodeURI"), f"{path}destinationNodeURI")
        check.require(origin, ("title", "uri"), f"{path}originNodeURI.")
        check.require(target, ("title", "identifier", "uri"), f"{path}destinationNodeURI.")
        target_id = str(target.get("identifier", "")).lower()
        origin_item = items.get(str(origin.get("identifier", "")).lower(), {})
        if "path" in origin_item and origin_item["kind"] is None:
            continue  # the item itself was refused
        origin_id = check.identifier(origin, "identifier", f"{path}originNodeURI.")
        if origin_id and origin_id not in items and origin_id != data["uuid"]:
            check.fault(f"{path}originNodeURI", f"{origin_id} is not an item of this package")
            continue
        if kind == "isChildOf":
            wanted = "document" if origin_item.get("kind") == "Area" else "Area"
            found = "document" if target_id == data["uuid"] else items.get(target_id, {})
            if found != "document":
                found = found.get("kind", "")
            if found is None:
                orphans.add(origin_id)  # its parent was refused
            elif found != wanted:
                what = "the CFDocument" if wanted == "document" else "an Area item"
                check.fault(f"{path}destinationNodeURI", f"must point at {what}")
                orphans.add(origin_id)
            elif origin_id in parents:
                check.fault(path.rstrip("."), f"{origin_item['path']} has a second parent")
            else:
                sequence = association.get("sequenceNumber")
                order = sequence if isinstance(sequence, int) else 1 << 30
                parents[origin_id] = (target_id, order, index)
        elif (
            kind in (VERIFIED, UNVERIFIED) and items.get(origin_id, {}).get("kind") == "Competency"
        ):
            link = _crosswalk_link(check, association, target, groupings, path)
            if link:
                link["verified"] = kind == VERIFIED
                crosswalk.setdefault(origin_id, []).append(link)
        elif kind:
            data["notes"].append(f"{path.rstrip('.')}: {kind} associations are not kept")
    areas: dict[str, dict] = {}
    competencies: dict[str, dict] = {}
    for identifier, item in items.items():
        if item["kind"] is None or identifier in orphans:
            continue
        if identifier not in parents:
            parent = "the CFDocument" if item["kind"] == "Area" else "an Area"
            check.fault(item["path"], f"has no isChildOf association to {parent}")
            continue
        if item["kind"] == "Area":
            areas[identifier] = {
                "code": item["code"],
                "title": item["title"],
                "description": item["description"],
                "competencies": [],
            }
        else:
            seen = set()
            for link in crosswalk.get(identifier, []):
                if (link["scheme"], link["code"]) in seen:
                    check.fault(item["path"], f"links to {link['scheme']} {link['code']} twice")
                seen.add((link["scheme"], link["code"]))
            competencies[identifier] = {
                "code": item["code"],
                "title": item["title"],
                "description": item["description"],
                "uuid": identifier,
                "crosswalk": crosswalk.get(identifier, []),
            }
    for identifier in sorted(competencies, key=lambda i: parents[i][1:]):
        if parents[identifier][0] in areas:
            areas[parents[identifier][0]]["competencies"].append(competencies[identifier])
    ordered = sorted(areas, key=lambda i: parents[i][1:])
    return [areas[identifier] for identifier in ordered], competencies


def _crosswalk_link(
    check: Package, association: dict, target: dict, groupings: dict, path: str
) -> dict | None:
    title, uri = str(target.get("title", "")), str(target.get("uri", ""))
    grouping = association.get("CFAssociationGroupingURI")
    scheme = ""
    if isinstance(grouping, dict):
        scheme = groupings.get(str(grouping.get("identifier"))) or grouping.get("title") or ""
    scheme = scheme if isinstance(scheme, str) else ""
    if scheme and title.startswith(f"{scheme} "):
        code = title.removeprefix(f"{scheme} ")
    elif uri.startswith("urn:") and uri.count(":") == 2:
        scheme, code = (unquote(part) for part in uri.split(":")[1:])
    else:
        check.fault(f"{path}destinationNodeURI", "cannot tell the crosswalk scheme and code")
        return None
    for value, field, key in [
        (scheme, "scheme", "CFAssociationGroupingURI"),
        (code, "code", "destinationNodeURI"),
    ]:
        if problem := too_long(value, CrosswalkLink, field):
            check.fault(f"{path}{key}", problem)
    identifier = str(target.get("identifier", "")).lower()
    return {
        "scheme": scheme,
        "code": code,
        "target": identifier if UUID.match(identifier) else None,
    }


def _level_number(score: Any) -> bool:
    if isinstance(score, bool) or not isinstance(score, int | float) or not isfinite(score):
        return False
    return score == int(score) and 0 <= score <= _LARGEST_LEVEL


def read_rubrics(
    check: Package,
    root: dict,
    items: dict[str, dict],
    competencies: dict[str, dict],
    scale: dict[int, tuple[str, str]],
) -> dict[str, dict[int, str]]:
    """competency identifier -> {level: descriptor}; an empty scale is filled from the levels."""
    closed = bool(scale)
    descriptors: dict[str, dict[int, str]] = {}
    for r, rubric in enumerate(check.array(root, "CFRubrics", "")):
        rubric = check.obj(rubric, f"CFRubrics[{r}]")
        for c, criterion in enumerate(check.array(rubric, "CFRubricCriteria", f"CFRubrics[{r}].")):
            path = f"CFRubrics[{r}].CFRubricCriteria[{c}]."
            criterion = check.obj(criterion, path.rstrip("."))
            item = check.obj(criterion.get("CFItemURI"), f"{path}CFItemURI")
            identifier = str(item.get("identifier", "")).lower()
            if identifier in items and identifier not in competencies:
                continue  # a problem with the item itself is reported already
            if identifier not in competencies:
                check.fault(
                    f"{path}CFItemURI", f"{identifier or 'nothing'} is not a Competency item here"
                )
                continue
            found = descriptors.setdefault(identifier, {})
            for n, level in enumerate(check.array(criterion, "CFRubricCriterionLevels", path)):
                where = f"{path}CFRubricCriterionLevels[{n}]."
                level = check.obj(level, where.rstrip("."))
                score, quality = (
                    level.get("score"),
                    check.text(level, "quality", where, required=True),
                )
                if not _level_number(score):
                    check.fault(f"{where}score", f"{score!r} is not a level number")
                    continue
                score = int(score)
                if not closed and quality and score not in scale:
                    scale[score] = (quality, "")
                if score not in scale or scale[score][0].casefold() != quality.casefold():
                    known = "; ".join(f"{k} {v[0]}" for k, v in sorted(scale.items()))
                    check.fault(
                        where.rstrip("."),
                        f"unknown level {score} {quality!r}; the scale is: {known}",
                    )
                elif score in found:
                    check.fault(f"{where}score", f"level {score} is described twice")
                elif text := check.text(level, "description", where):
                    found[score] = text
    return descriptors
