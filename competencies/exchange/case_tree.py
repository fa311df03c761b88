"""The tree of a CASE package, from its items and isChildOf associations, and how it maps onto
areas and competencies.

Any CFItemType (or none) is read. Each item becomes an area or a competency:
- items typed "Area" or "Competency" (as this service exports them) keep that kind;
- any other type follows its place in the tree unless the administrator chose a kind for it:
  an item with children is an area, a leaf is a competency;
- areas here are not nested, so an area below another area follows it in the list (a note
  says so); a competency belongs to its nearest area above it, and competencies placed
  directly under the document are gathered in one area, "Other competencies" (code "OTHER");
- an item with no humanCodingScheme gets a code from its place: "<area number>" for an area,
  "<area code>.<number>" for a competency.
An item placed under two parents stays under the first (a note says so).
"""

from django.utils.translation import gettext, ngettext

from competencies.exchange.case import UNVERIFIED, VERIFIED
from competencies.exchange.case_read import UUID, Package, crosswalk_link
from competencies.exchange.data import too_long
from competencies.exchange.languages import ITEM_FIELDS, descriptors_from_case, from_case
from competencies.models import Area, Competency

AREA, COMPETENCY, BY_PLACE = "area", "competency", ""
KINDS = {AREA: "Area", COMPETENCY: "Competency", BY_PLACE: "By its place in the tree"}
_OWN_TYPES = {"area": AREA, "competency": COMPETENCY}
OTHER_AREA = {"code": "OTHER", "title": "Other competencies", "description": ""}


def type_label(item: dict, item_types: dict) -> str:
    """The item's type as written (CFItemType, else its CFItemTypeURI's title), or ""."""
    kind = item.get("CFItemType")
    if kind is None:
        link = item.get("CFItemTypeURI")
        if isinstance(link, dict):
            kind = item_types.get(str(link.get("identifier")).lower()) or link.get("title")
    return kind.strip() if isinstance(kind, str) else ""


def _item_translations(check: Package, item: dict, path: str) -> dict:
    extensions = item.get("extensions")
    if not isinstance(extensions, dict):
        return {}
    found = {}
    if "translations" in extensions:
        found["translations"] = from_case(
            check, extensions["translations"], ITEM_FIELDS, f"{path}extensions.translations"
        )
    if "descriptorTranslations" in extensions:
        found["descriptor_translations"] = descriptors_from_case(
            check, extensions["descriptorTranslations"], f"{path}extensions.descriptorTranslations"
        )
    return found


def read_items(check: Package, root: dict, item_types: dict) -> dict[str, dict]:
    """identifier -> {"type", "code", "title", "description", "path", "ok"}. An item refused
    here is kept with ok False, so what refers to it adds no second error."""
    items: dict[str, dict] = {}
    raw_items = check.array(root, "CFItems", "")
    if not raw_items and "CFItems" not in {e.field for e in check.errors}:
        check.fault("CFItems", gettext("holds no items; a framework needs at least one"))
    for index, raw in enumerate(raw_items):
        path = f"CFItems[{index}]."
        item = check.obj(raw, path.rstrip("."))
        identifier = check.identifier(item, "identifier", path)
        check.require(item, ("uri", "lastChangeDateTime"), path)
        if not identifier:
            items.setdefault(
                str(item.get("identifier", "")).lower(), {"ok": False, "path": path[:-1]}
            )
            continue
        if identifier in items:
            check.fault(
                f"{path}identifier",
                gettext("%(identifier)s is used by %(path)s")
                % {"identifier": identifier, "path": items[identifier]["path"]},
            )
            continue
        items[identifier] = {
            "ok": True,
            "type": type_label(item, item_types),
            "code": check.text(item, "humanCodingScheme", path).strip(),
            "title": check.text(item, "fullStatement", path, required=True),
            "description": check.text(item, "notes", path),
            "path": path[:-1],
        } | _item_translations(check, item, path)
    return items


def default_kind(label: str) -> str:
    """The kind an item type maps to unless the administrator chooses: this service's own
    types keep theirs, any other follows its place in the tree."""
    return _OWN_TYPES.get(label.casefold(), BY_PLACE)


def default_kinds(items: dict[str, dict]) -> dict[str, str]:
    types = sorted({item["type"] for item in items.values() if item["ok"]}, key=str.casefold)
    return {label: default_kind(label) for label in types}


def read_tree(
    check: Package,
    root: dict,
    data: dict,
    items: dict[str, dict],
    groupings: dict,
    kinds: dict[str, str] | None = None,
) -> tuple[list[dict], dict[str, dict], dict[str, dict[str, int]]]:
    """The areas in order (each with its competencies), the competencies by identifier, and
    for each item type how many of its items became areas and competencies."""
    chosen = default_kinds(items)
    chosen |= {k: v for k, v in (kinds or {}).items() if k in chosen and v in KINDS}
    parents, children, crosswalk, unplaced = _associations(check, root, data, items, groupings)
    areas: list[dict] = []
    competencies: dict[str, dict] = {}
    mapping = {label: {"areas": 0, "competencies": 0} for label in chosen}
    codes: dict[tuple[str, str], str] = {}
    nested = 0
    other: dict | None = None

    def add_code(kind: str, item: dict, given: str) -> str:
        model = Area if kind == AREA else Competency
        code = item["code"] or given
        checks = ((code, "code", "humanCodingScheme"), (item["title"], "title", "fullStatement"))
        for value, field, key in checks:
            if problem := too_long(value, model, field):
                check.fault(f"{item['path']}.{key}", problem)
        if (kind, code) in codes:
            check.fault(
                f"{item['path']}.humanCodingScheme",
                (
                    gettext("Area code %(code)s is also %(path)s")
                    if kind == AREA
                    else gettext("Competency code %(code)s is also %(path)s")
                )
                % {"code": repr(code), "path": codes[kind, code]},
            )
        codes[kind, code] = item["path"]
        return code

    # Depth first from the document, so the list follows the tree; `visited` guards cycles.
    visited: set[str] = set()
    stack: list[tuple[str, dict | None]] = [
        (child, None) for child in reversed(children.get(data["uuid"], []))
    ]
    while stack:
        identifier, area = stack.pop()
        if identifier in visited:
            continue
        visited.add(identifier)
        item = items[identifier]
        kind = chosen.get(item["type"], BY_PLACE) or (
            AREA if children.get(identifier) else COMPETENCY
        )
        mapping[item["type"]]["areas" if kind == AREA else "competencies"] += 1
        if kind == AREA:
            nested += area is not None
            area = {
                "code": add_code(AREA, item, str(len(areas) + 1)),
                "title": item["title"],
                "description": item["description"],
                "competencies": [],
            } | ({"translations": item["translations"]} if item.get("translations") else {})
            areas.append(area)
        else:
            if area is None:
                if other is None:
                    other = OTHER_AREA | {"competencies": []}
                    add_code(AREA, {"code": "OTHER", "title": "", "path": "CFDocument"}, "")
                area = other
            competency = {
                "code": add_code(
                    COMPETENCY, item, f"{area['code']}.{len(area['competencies']) + 1}"
                ),
                "title": item["title"],
                "description": item["description"],
                "uuid": identifier,
                "crosswalk": _links(check, item, crosswalk.get(identifier, [])),
            }
            for key in ("translations", "descriptor_translations"):
                if item.get(key):
                    competency[key] = item[key]
            area["competencies"].append(competency)
            competencies[identifier] = competency
        stack.extend((child, area) for child in reversed(children.get(identifier, [])))
    if other is not None:
        areas.append(other)
    _unreached(check, items, parents, visited, unplaced)
    if visited and not competencies:
        check.fault(
            "CFItems", gettext("no item became a competency; import an item type as competencies")
        )
    uncoded = sum(1 for i in visited if not items[i]["code"])
    if nested:
        data["notes"].append(
            ngettext(
                "%(count)s area(s) sat within another area in the file; areas here are not "
                "nested, so each follows the area it sat in.",
                "%(count)s area(s) sat within another area in the file; areas here are not "
                "nested, so each follows the area it sat in.",
                nested,
            )
            % {"count": nested}
        )
    if uncoded:
        data["notes"].append(
            ngettext(
                "%(count)s item(s) had no humanCodingScheme; they were given codes from their "
                "place in the tree.",
                "%(count)s item(s) had no humanCodingScheme; they were given codes from their "
                "place in the tree.",
                uncoded,
            )
            % {"count": uncoded}
        )
    for identifier, links in crosswalk.items():
        if identifier in visited and identifier not in competencies and links:
            data["notes"].append(
                gettext("%(path)s: crosswalk links of an area are not kept")
                % {"path": items[identifier]["path"]}
            )
    return areas, competencies, mapping


def _links(check: Package, item: dict, links: list[dict]) -> list[dict]:
    seen = set()
    for link in links:
        if (link["scheme"], link["code"]) in seen:
            check.fault(
                item["path"],
                gettext("links to %(scheme)s %(code)s twice")
                % {"scheme": link["scheme"], "code": link["code"]},
            )
        seen.add((link["scheme"], link["code"]))
    return links


def _associations(check: Package, root: dict, data: dict, items: dict, groupings: dict):
    parents: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    crosswalk: dict[str, list[dict]] = {}
    unplaced: set[str] = set()  # items whose isChildOf was reported already
    placed: list[tuple[int, int, str, str]] = []
    for index, raw in enumerate(check.array(root, "CFAssociations", "")):
        path = f"CFAssociations[{index}]."
        association = check.obj(raw, path.rstrip("."))
        kind = check.text(association, "associationType", path, required=True)
        check.require(association, ("identifier", "uri", "lastChangeDateTime"), path)
        origin = check.obj(association.get("originNodeURI"), f"{path}originNodeURI")
        target = check.obj(association.get("destinationNodeURI"), f"{path}destinationNodeURI")
        check.require(origin, ("title", "uri"), f"{path}originNodeURI.")
        check.require(target, ("title", "identifier", "uri"), f"{path}destinationNodeURI.")
        origin_item = items.get(str(origin.get("identifier", "")).lower(), {})
        if origin_item and not origin_item["ok"]:
            continue  # the item itself was refused
        origin_id = check.identifier(origin, "identifier", f"{path}originNodeURI.")
        if origin_id and origin_id not in items and origin_id != data["uuid"]:
            check.fault(
                f"{path}originNodeURI",
                gettext("%(identifier)s is not an item of this package")
                % {"identifier": origin_id},
            )
            continue
        target_id = str(target.get("identifier", "")).lower()
        if kind == "isChildOf":
            if origin_id == data["uuid"]:
                check.fault(f"{path}originNodeURI", gettext("the CFDocument cannot be a child"))
            elif target_id != data["uuid"] and target_id not in items:
                check.fault(
                    f"{path}destinationNodeURI",
                    gettext("%(identifier)s is neither an item of this package nor its CFDocument")
                    % {"identifier": target_id or gettext("nothing")},
                )
                unplaced.add(origin_id)
            elif target_id in items and not items[target_id]["ok"]:
                unplaced.add(origin_id)  # its parent was refused
            elif origin_id in parents:
                data["notes"].append(
                    gettext("%(where)s: %(item)s has a second parent; it stays under its first")
                    % {"where": path.rstrip("."), "item": origin_item["path"]}
                )
            elif origin_id:
                parents[origin_id] = target_id
                sequence = association.get("sequenceNumber")
                order = sequence if isinstance(sequence, int) else 1 << 30
                placed.append((order, index, origin_id, target_id))
        elif kind in (VERIFIED, UNVERIFIED) and origin_id in items:
            link = crosswalk_link(check, association, target, groupings, path)
            if link:
                link["verified"] = kind == VERIFIED
                link["target"] = target_id if UUID.match(target_id) else None
                crosswalk.setdefault(origin_id, []).append(link)
        elif kind:
            data["notes"].append(
                gettext("%(where)s: %(kind)s associations are not kept")
                % {"where": path.rstrip("."), "kind": kind}
            )
    for _order, _index, child, parent in sorted(placed):
        children.setdefault(parent, []).append(child)
    return parents, children, crosswalk, unplaced


def _unreached(check: Package, items: dict, parents: dict, visited: set, unplaced: set) -> None:
    """Report every item the walk from the document did not reach: no parent, or a cycle."""
    reported: set[str] = set()
    for identifier, item in items.items():
        if not item["ok"] or identifier in visited or identifier in unplaced:
            continue
        if identifier not in parents:
            check.fault(item["path"], gettext("has no isChildOf association, so it has no place"))
            continue
        chain = [identifier]
        while (parent := parents.get(chain[-1])) in parents and parent not in chain:
            chain.append(parent)
        if parent in chain and not reported & set(chain):
            cycle = chain[chain.index(parent) :]
            reported.update(cycle)
            route = " → ".join(items[i]["path"] for i in [*cycle, parent])
            check.fault(
                items[cycle[0]]["path"],
                gettext("isChildOf associations form a cycle: %(route)s") % {"route": route},
            )
