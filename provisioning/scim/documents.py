"""SCIM resource documents: attribute names made canonical, and PATCH applied to a document.

A PATCH (RFC 7644 §3.5.2) is applied to the resource's current document; the result is then
written exactly as a PUT of that document would be, so both share one set of rules.
"""

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from provisioning.scim.errors import ScimError, invalid_syntax, invalid_value
from provisioning.scim.filters import Compare, Logical, Not, Present, parse_filter
from provisioning.scim.schemas import Attribute, Schema

# Attributes every resource has (RFC 7643 §3.1): the server's, or kept as they are.
COMMON_READ_ONLY = {"schemas", "id", "meta"}
_PATH = re.compile(
    r"^(?P<attr>[A-Za-z$][\w$-]*)(?:\[(?P<filter>.*)\])?(?:\.(?P<sub>[A-Za-z$][\w$-]*))?$"
)


def invalid_path(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidPath")


def mutability_error(detail: str) -> ScimError:
    return ScimError(400, detail, "mutability")


def canonical_document(payload: Any, core: Schema, extensions: Sequence[Schema] = ()) -> dict:
    """The payload with every attribute under its schema's own spelling, extension attributes
    under their schema's URN, and ignored attributes dropped. Unknown attributes are refused."""
    if not isinstance(payload, dict):
        raise invalid_syntax("The request body must be a JSON object.")
    document: dict[str, Any] = {}
    for key, value in payload.items():
        if not isinstance(key, str):
            raise invalid_syntax("Attribute names are strings.")
        lowered = key.lower()
        if lowered in COMMON_READ_ONLY:
            continue
        if lowered == "externalid":
            document["externalId"] = value
            continue
        extension = next((s for s in extensions if s.id.lower() == lowered), None)
        if extension is not None:
            if value is None:
                continue
            if not isinstance(value, dict):
                raise invalid_syntax(f"{extension.id} must be a JSON object.")
            for sub_key, sub_value in value.items():
                if sub_key.lower() not in COMMON_READ_ONLY:
                    _put(document.setdefault(extension.id, {}), extension, sub_key, sub_value)
            continue
        schema, name = _split_urn(key, core, extensions)
        container = document if schema is core else document.setdefault(schema.id, {})
        _put(container, schema, name, value)
    return {k: v for k, v in document.items() if v != {}}


def _split_urn(key: str, core: Schema, extensions: Sequence[Schema]) -> tuple[Schema, str]:
    for schema in (*extensions, core):
        if key.lower().startswith(schema.id.lower() + ":"):
            return schema, key[len(schema.id) + 1 :]
    return core, key


def _put(container: dict, schema: Schema, name: str, value: Any) -> None:
    attribute = schema.attribute(name)
    if attribute is None:
        if name.lower() in schema.ignored:
            return
        raise invalid_syntax(f"Unknown attribute {name!r} in {schema.name}.")
    if attribute.mutability == "readOnly":
        return  # RFC 7643 §2.2: read-only values sent by a client are ignored
    if value is None:
        return
    container[attribute.name] = _canonical_value(schema, attribute, value)


def _canonical_value(schema: Schema, attribute: Attribute, value: Any) -> Any:
    if attribute.type != "complex":
        return value
    if attribute.multi_valued:
        entries = value if isinstance(value, list) else [value]
        return [_canonical_complex(schema, attribute, entry) for entry in entries]
    if isinstance(value, str) and attribute.sub("value"):
        return {"value": value}  # Entra ID sends a manager as its id alone
    return _canonical_complex(schema, attribute, value)


def _canonical_complex(schema: Schema, attribute: Attribute, value: Any) -> dict:
    if not isinstance(value, dict):
        raise invalid_syntax(f"{attribute.name} must be a JSON object with sub-attributes.")
    entry = {}
    for key, sub_value in value.items():
        sub = attribute.sub(key)
        if sub is None:
            if f"{attribute.name}.{key}".lower() in schema.ignored:
                continue
            raise invalid_syntax(f"Unknown sub-attribute {key!r} of {attribute.name}.")
        if sub_value is not None:
            entry[sub.name] = sub_value
    return entry


@dataclass(frozen=True)
class Target:
    schema: Schema
    attribute: Attribute | None  # None: a path naming a whole extension, or ignored
    value_filter: Any = None
    sub: Attribute | None = None
    ignored: bool = False


def parse_path(path: str, core: Schema, extensions: Sequence[Schema]) -> Target:
    text = path.strip()
    for extension in extensions:
        if text.lower() == extension.id.lower():
            return Target(extension, None)
    schema, rest = _split_urn(text, core, extensions)
    match = _PATH.match(rest)
    if match is None:
        raise invalid_path(f"{path!r} is not an attribute path.")
    attribute = schema.attribute(match["attr"])
    if attribute is None:
        dotted = rest.lower() if match["filter"] is None else match["attr"].lower()
        if match["attr"].lower() in schema.ignored or dotted in schema.ignored:
            return Target(schema, None, ignored=True)
        raise invalid_path(f"Unknown attribute {match['attr']!r} in {schema.name}.")
    sub = None
    if match["sub"]:
        sub = attribute.sub(match["sub"])
        if sub is None:
            if f"{attribute.name}.{match['sub']}".lower() in schema.ignored:
                return Target(schema, None, ignored=True)
            raise invalid_path(f"Unknown sub-attribute {match['sub']!r} of {attribute.name}.")
    value_filter = None
    if match["filter"] is not None:
        if not attribute.multi_valued:
            raise ScimError(
                400, f"{attribute.name} has one value: it takes no filter.", "invalidFilter"
            )
        value_filter = parse_filter(match["filter"], core_schema=schema.id)
    return Target(schema, attribute, value_filter, sub)


def apply_patch(document: dict, body: Any, core: Schema, extensions: Sequence[Schema]) -> dict:
    """The document after the PatchOp request `body`, all operations or none (the caller
    writes the result in one transaction)."""
    operations = body.get("Operations") if isinstance(body, dict) else None
    if not isinstance(operations, list) or not operations:
        raise invalid_syntax("A PATCH request has a non-empty list of Operations.")
    result = copy.deepcopy(document)
    for operation in operations:
        if not isinstance(operation, dict):
            raise invalid_syntax("Each operation is a JSON object.")
        lowered = {str(k).lower(): v for k, v in operation.items()}
        op = str(lowered.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise invalid_syntax(f"Unknown PATCH operation {lowered.get('op')!r}.")
        path = lowered.get("path")
        if path is not None and not isinstance(path, str):
            raise invalid_path("A path is a string.")
        _apply(result, op, path or None, lowered.get("value"), core, extensions)
    return {k: v for k, v in result.items() if v not in ({}, None)}


def _apply(
    document: dict,
    op: str,
    path: str | None,
    value: Any,
    core: Schema,
    extensions: Sequence[Schema],
) -> None:
    if path is None:
        if op == "remove":
            raise ScimError(400, "A remove operation needs a path.", "noTarget")
        if not isinstance(value, dict):
            raise invalid_syntax("Without a path, the value is a JSON object of attributes.")
        for key, item in value.items():
            if str(key).lower() in COMMON_READ_ONLY:
                continue
            _apply(document, op, str(key), item, core, extensions)
        return
    if path.lower() == "externalid":
        if op == "remove" or value is None:
            document.pop("externalId", None)
        else:
            document["externalId"] = value
        return
    target = parse_path(path, core, extensions)
    if target.ignored:
        return
    if target.attribute is None:  # a whole extension
        if op == "remove":
            document.pop(target.schema.id, None)
            return
        if not isinstance(value, dict):
            raise invalid_syntax(f"The value of {target.schema.id} is a JSON object.")
        for key, item in value.items():
            if str(key).lower() not in COMMON_READ_ONLY:
                _apply(document, op, f"{target.schema.id}:{key}", item, core, extensions)
        return
    if target.attribute.mutability == "readOnly":
        raise mutability_error(f"{target.attribute.name} is read-only.")
    if op == "remove" and not target.attribute.removable:
        raise invalid_value(f"{target.attribute.name} cannot be removed; replace it instead.")
    container = document if target.schema is core else document.setdefault(target.schema.id, {})
    if target.value_filter is not None:
        _apply_filtered(container, op, target, value)
    elif target.sub is not None:
        _apply_sub(container, op, target, value)
    else:
        _apply_whole(container, op, target, value)
    if target.schema is not core and not container:
        document.pop(target.schema.id, None)


def _apply_whole(container: dict, op: str, target: Target, value: Any) -> None:
    attribute = target.attribute
    name = attribute.name
    if op == "remove" and attribute.multi_valued and value is not None:
        # Entra ID removes group members as {"path": "members", "value": [{"value": id}]}.
        gone = {str(e.get("value")) for e in _entries(target, value)}
        container[name] = [e for e in container.get(name, []) if str(e.get("value")) not in gone]
        return
    if op == "remove" or value is None:
        container.pop(name, None)
        return
    canonical = _canonical_value(target.schema, attribute, value)
    if attribute.multi_valued:
        if op == "add":
            known = {str(e.get("value")) for e in container.get(name, [])}
            canonical = container.get(name, []) + [
                e for e in canonical if str(e.get("value")) not in known
            ]
        container[name] = canonical
    elif attribute.type == "complex":
        # RFC 7644 §3.5.2.1 and .3: sub-attributes not given keep their value.
        container[name] = {**container.get(name, {}), **canonical}
    else:
        container[name] = canonical


def _apply_sub(container: dict, op: str, target: Target, value: Any) -> None:
    attribute, sub = target.attribute, target.sub
    if attribute.multi_valued:
        entries = container.setdefault(attribute.name, [])
        if not entries and op != "remove":
            entries.append({})
        for entry in entries:
            _set_or_drop(entry, sub.name, None if op == "remove" else value)
        return
    entry = container.setdefault(attribute.name, {})
    _set_or_drop(entry, sub.name, None if op == "remove" else value)
    if not entry:
        container.pop(attribute.name)


def _apply_filtered(container: dict, op: str, target: Target, value: Any) -> None:
    attribute = target.attribute
    entries = container.setdefault(attribute.name, [])
    matching = [e for e in entries if entry_matches(target.value_filter, e)]
    if op == "remove":
        if target.sub is None:
            container[attribute.name] = [e for e in entries if e not in matching]
        for entry in matching if target.sub is not None else ():
            entry.pop(target.sub.name, None)
        return
    if not matching:
        # Entra ID adds emails[type eq "work"].value to a person who has no work email yet:
        # the new entry takes the values the filter asks for.
        new_entry = {
            (attribute.sub(key).name if attribute.sub(key) else key): item
            for key, item in _entry_from_filter(target.value_filter).items()
        }
        entries.append(new_entry)
        matching = [new_entry]
    for entry in matching:
        if target.sub is not None:
            _set_or_drop(entry, target.sub.name, value)
        else:
            entry.update(_canonical_complex(target.schema, attribute, value))


def _entries(target: Target, value: Any) -> list[dict]:
    return _canonical_value(target.schema, target.attribute, value)


def _set_or_drop(entry: dict, name: str, value: Any) -> None:
    if value is None:
        entry.pop(name, None)
    else:
        entry[name] = value


def _entry_from_filter(tree: Any) -> dict:
    if isinstance(tree, Compare) and tree.operator == "eq":
        return {tree.attribute: tree.value}
    if isinstance(tree, Logical) and tree.operator == "and":
        return {**_entry_from_filter(tree.left), **_entry_from_filter(tree.right)}
    raise ScimError(400, "No value matches the path's filter.", "noTarget")


def entry_matches(tree: Any, entry: dict) -> bool:
    """Whether one value of a multi-valued attribute matches a value filter."""
    if isinstance(tree, Logical):
        left, right = entry_matches(tree.left, entry), entry_matches(tree.right, entry)
        return (left and right) if tree.operator == "and" else (left or right)
    if isinstance(tree, Not):
        return not entry_matches(tree.operand, entry)
    actual = next((v for k, v in entry.items() if k.lower() == tree.attribute), None)
    if isinstance(tree, Present):
        return actual not in (None, "", [])
    expected = tree.value
    if isinstance(actual, str) and isinstance(expected, str):
        actual, expected = actual.lower(), expected.lower()
    if tree.operator == "eq":
        return actual == expected
    if tree.operator == "ne":
        return actual != expected
    if not isinstance(actual, str) or not isinstance(expected, str):
        return False
    checks = {
        "co": expected in actual,
        "sw": actual.startswith(expected),
        "ew": actual.endswith(expected),
        "gt": actual > expected,
        "ge": actual >= expected,
        "lt": actual < expected,
        "le": actual <= expected,
    }
    return checks[tree.operator]


def require_schemas(payload: Any, expected: str, allowed: Sequence[str] = ()) -> None:
    """A request names its schema (RFC 7643 §3): the resource's own, and known extensions."""
    if not isinstance(payload, dict):
        raise invalid_syntax("The request body must be a JSON object.")
    schemas = payload.get("schemas")
    if not isinstance(schemas, list) or not all(isinstance(s, str) for s in schemas):
        raise invalid_syntax(f'"schemas" must be a list that includes "{expected}".')
    lowered = {s.lower() for s in schemas}
    if expected.lower() not in lowered:
        raise invalid_value(f'"schemas" must include "{expected}".')
    unknown = lowered - {expected.lower(), *(s.lower() for s in allowed)}
    if unknown:
        raise invalid_value(f"Unknown schema: {sorted(unknown)[0]}.")
