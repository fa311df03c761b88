"""Listing resources (RFC 7644 §3.4.2): filter, pages, and the attributes a client asks for."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from provisioning.scim.errors import invalid_value
from provisioning.scim.filters import Field, filter_q, parse_filter
from provisioning.scim.schemas import LIST_SCHEMA, MAX_RESULTS

DEFAULT_COUNT = 100
ALWAYS_RETURNED = {"id", "schemas"}


@dataclass(frozen=True)
class ListQuery:
    filter: str | None = None
    start_index: int = 1
    count: int = DEFAULT_COUNT
    attributes: tuple[str, ...] = ()
    excluded_attributes: tuple[str, ...] = ()


def list_query(parameters: Mapping[str, Any]) -> ListQuery:
    """From URL parameters or a SearchRequest body (names are case-insensitive)."""
    lowered = {str(key).lower(): value for key, value in parameters.items()}
    filter_text = lowered.get("filter")
    if filter_text is not None and not isinstance(filter_text, str):
        raise invalid_value("filter must be a string.")
    return ListQuery(
        filter=filter_text or None,
        start_index=max(1, _integer(lowered.get("startindex"), "startIndex", 1)),
        count=min(MAX_RESULTS, max(0, _integer(lowered.get("count"), "count", DEFAULT_COUNT))),
        attributes=_names(lowered.get("attributes")),
        excluded_attributes=_names(lowered.get("excludedattributes")),
    )


def _integer(value: Any, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid_value(f"{name} must be a whole number.") from None


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid_value("attributes and excludedAttributes are lists of attribute names.")
    return tuple(name.strip() for name in value if name.strip())


def list_response(
    queryset: QuerySet,
    query: ListQuery,
    *,
    fields: Mapping[str, Field],
    core_schema: str,
    document: Callable[[Any], dict],
) -> dict:
    if query.filter:
        tree = parse_filter(query.filter, core_schema=core_schema)
        queryset = queryset.filter(filter_q(tree, fields)).distinct()
    total = queryset.count()
    start = query.start_index - 1
    page = list(queryset[start : start + query.count]) if query.count else []
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": query.start_index,
        "itemsPerPage": len(page),
        "Resources": [project(document(item), query, core_schema=core_schema) for item in page],
    }


def project(document: dict, query: ListQuery, *, core_schema: str) -> dict:
    """Only the attributes asked for (`attributes`), or all but some (`excludedAttributes`)."""
    if query.attributes:
        kept = {key: document[key] for key in ALWAYS_RETURNED if key in document}
        for name in query.attributes:
            _copy(document, kept, name, core_schema)
        return kept
    result = dict(document)
    for name in query.excluded_attributes:
        _drop(result, name, core_schema)
    return result


def _locate(document: dict, name: str, core_schema: str) -> tuple[str | None, str, str | None]:
    """(extension URN or None, attribute, sub-attribute) of a name, matched case-insensitively."""
    lowered = name.lower()
    if lowered.startswith(core_schema.lower() + ":"):
        name, lowered = name[len(core_schema) + 1 :], lowered[len(core_schema) + 1 :]
    for key in document:
        if key.lower().startswith("urn:") and lowered.startswith(key.lower() + ":"):
            attribute, _, sub = name[len(key) + 1 :].partition(".")
            return key, attribute, sub or None
        if key.lower().startswith("urn:") and lowered == key.lower():
            return None, key, None
    attribute, _, sub = name.partition(".")
    return None, attribute, sub or None


def _find(container: dict, name: str) -> str | None:
    return next((key for key in container if key.lower() == name.lower()), None)


def _copy(source: dict, target: dict, name: str, core_schema: str) -> None:
    extension, attribute, sub = _locate(source, name, core_schema)
    container = source.get(extension, {}) if extension else source
    key = _find(container, attribute)
    if key is None:
        return
    destination = target.setdefault(extension, {}) if extension else target
    value = container[key]
    if sub is None or not isinstance(value, dict | list):
        destination[key] = value
    elif isinstance(value, dict):
        sub_key = _find(value, sub)
        if sub_key is not None:
            destination.setdefault(key, {})[sub_key] = value[sub_key]
    else:
        destination[key] = [
            {k: v for k, v in entry.items() if k.lower() == sub.lower()} for entry in value
        ]
    if extension and extension not in target.get("schemas", []):
        target["schemas"] = [*target.get("schemas", []), extension]


def _drop(document: dict, name: str, core_schema: str) -> None:
    extension, attribute, sub = _locate(document, name, core_schema)
    container = document.get(extension, {}) if extension else document
    key = _find(container, attribute)
    if key is None or key in ALWAYS_RETURNED:
        return
    if sub is None:
        del container[key]
    elif isinstance(container[key], dict):
        sub_key = _find(container[key], sub)
        if sub_key:
            del container[key][sub_key]
