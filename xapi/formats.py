"""The three ways a statement can be returned: exact, ids, canonical (xAPI 2.1.3 `format`)."""

import copy
from collections.abc import Mapping, Sequence
from typing import Any

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
LANGUAGE_MAP_KEYS = ("display", "name", "description")


def as_ids(statement: dict) -> dict:
    """Agents and Groups reduced to their identifiers, Activities and Verbs to their ids."""
    result = copy.deepcopy(statement)

    def agent(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        reduced = {k: value[k] for k in IFI_KEYS if k in value}
        if value.get("objectType"):
            reduced["objectType"] = value["objectType"]
        if value.get("objectType") == "Group" and not any(k in value for k in IFI_KEYS):
            reduced["member"] = [agent(member) for member in value.get("member", [])]
        return reduced

    def activity(value: Any) -> Any:
        return {"id": value["id"]} if isinstance(value, dict) else value

    def visit(node: dict) -> None:
        node["actor"] = agent(node["actor"])
        node["verb"] = {"id": node["verb"]["id"]}
        target = node["object"]
        kind = target.get("objectType", "Activity")
        if kind == "Activity":
            node["object"] = activity(target)
        elif kind in ("Agent", "Group"):
            node["object"] = agent(target)
        elif kind == "SubStatement":
            visit(target)
        context = node.get("context")
        if context:
            for key in ("instructor", "team"):
                if key in context:
                    context[key] = agent(context[key])
            for key, value in (context.get("contextActivities") or {}).items():
                values = value if isinstance(value, list) else [value]
                context["contextActivities"][key] = [activity(v) for v in values]
            for item in context.get("contextAgents", []):
                item["agent"] = agent(item["agent"])
            for item in context.get("contextGroups", []):
                item["group"] = agent(item["group"])

    visit(result)
    if "authority" in result:
        result["authority"] = agent(result["authority"])
    return result


def best_language(available: Sequence[str], preferred: Sequence[str]) -> str | None:
    """The first preferred language that is available (exact, then by primary subtag)."""
    lowered = {tag.lower(): tag for tag in available}
    for tag in preferred:
        if tag == "*":
            break
        if tag.lower() in lowered:
            return lowered[tag.lower()]
        primary = tag.split("-")[0].lower()
        for candidate in available:
            if candidate.lower().split("-")[0] == primary:
                return candidate
    return available[0] if available else None


def parse_accept_language(header: str | None) -> list[str]:
    if not header:
        return []
    weighted = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def as_canonical(
    statement: dict, languages: Sequence[str], definitions: Mapping[str, dict]
) -> dict:
    """Activity definitions replaced by the LRS's canonical ones; every language map reduced to
    the one language that best matches the request's Accept-Language."""
    result = copy.deepcopy(statement)

    def reduce_maps(node: Any) -> Any:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in LANGUAGE_MAP_KEYS and isinstance(value, dict) and _is_language_map(value):
                    chosen = best_language(list(value), languages)
                    node[key] = {chosen: value[chosen]} if chosen else {}
                else:
                    reduce_maps(value)
        elif isinstance(node, list):
            for item in node:
                reduce_maps(item)
        return node

    def with_definition(activity: Any) -> Any:
        if isinstance(activity, dict) and activity.get("objectType", "Activity") == "Activity":
            canonical = definitions.get(activity.get("id"))
            if canonical:
                activity["definition"] = copy.deepcopy(canonical)
        return activity

    def visit(node: dict) -> None:
        with_definition(node.get("object"))
        context = node.get("context") or {}
        for value in (context.get("contextActivities") or {}).values():
            for activity in value if isinstance(value, list) else [value]:
                with_definition(activity)
        if node.get("object", {}).get("objectType") == "SubStatement":
            visit(node["object"])

    visit(result)
    return reduce_maps(result)


def _is_language_map(value: dict) -> bool:
    return all(isinstance(v, str) for v in value.values())


def activity_ids_in(statement: dict) -> set[str]:
    found = set()

    def add(activity: Any) -> None:
        if isinstance(activity, dict) and activity.get("objectType", "Activity") == "Activity":
            found.add(activity.get("id"))

    def visit(node: dict) -> None:
        add(node.get("object"))
        for value in ((node.get("context") or {}).get("contextActivities") or {}).values():
            for activity in value if isinstance(value, list) else [value]:
                add(activity)
        if node.get("object", {}).get("objectType") == "SubStatement":
            visit(node["object"])

    visit(statement)
    found.discard(None)
    return found
