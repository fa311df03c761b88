"""Listing resources (RFC 7644 §3.4.2): filter, pages, and the attributes a client asks for."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import QuerySet

from provisioning.scim.errors import invalid_value
from provisioning.scim.filters import (
    Field,
    filter_attributes,
    filter_q,
    invalid_filter,
    parse_filter,
)
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


class Listable(Protocol):
    """What a listing needs of a resource type."""

    core_schema: str
    filter_fields: Mapping[str, Field]

    def records(self) -> QuerySet: ...

    def document(self, record: Any, base_url: str) -> dict: ...


def list_response(
    resources: Sequence[Listable],
    query: ListQuery,
    *,
    base_url: str,
    known: Sequence[Listable] | None = None,
) -> dict:
    """One page over the resource types given, in their order, each type's records in its own
    stable order: a search across types pages through all of one type, then the next. `known`
    are the types whose attributes a filter may name (by default, those searched)."""
    querysets = _filtered(resources, query.filter, known=resources if known is None else known)
    totals = [queryset.count() for queryset in querysets]
    page: list[tuple[Listable, Any]] = []
    skip = query.start_index - 1
    for resource, queryset, total in zip(resources, querysets, totals, strict=True):
        wanted = query.count - len(page)
        if wanted <= 0:
            break
        if skip >= total:
            skip -= total
            continue
        page += [(resource, record) for record in queryset[skip : skip + wanted]]
        skip = 0
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": sum(totals),
        "startIndex": query.start_index,
        "itemsPerPage": len(page),
        "Resources": [
            project(resource.document(record, base_url), query, core_schema=resource.core_schema)
            for resource, record in page
        ],
    }


def _filtered(
    resources: Sequence[Listable], filter_text: str | None, *, known: Sequence[Listable]
) -> list[QuerySet]:
    """Each type's records the filter matches. Within one type, an attribute it does not have
    is a 400. Across several (RFC 7644 §3.4.3), an attribute only some have matches nothing in
    the others, and one that none has is a 400."""
    if not filter_text:
        return [resource.records() for resource in resources]
    several = len(known) > 1
    if several:
        _require_known_somewhere(known, filter_text)
    return [
        resource.records()
        .filter(
            filter_q(
                parse_filter(filter_text, core_schema=resource.core_schema),
                resource.filter_fields,
                unknown_matches_nothing=several,
            )
        )
        .distinct()
        for resource in resources
    ]


def _require_known_somewhere(known: Sequence[Listable], filter_text: str) -> None:
    # Each type reads the same filter into a tree of the same shape (only its own core schema
    # prefix is stripped), so the n-th attribute of each list is the same one.
    named = [
        filter_attributes(parse_filter(filter_text, core_schema=resource.core_schema))
        for resource in known
    ]
    for position, attribute in enumerate(named[0]):
        if not any(
            names[position] in resource.filter_fields
            for resource, names in zip(known, named, strict=True)
        ):
            raise invalid_filter(f"Filtering on {attribute!r} is not supported.")


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
