"""SCIM filters (RFC 7644 §3.4.2.2): parsed into a small tree, then turned into a Django Q.

Supported: eq ne co sw ew gt ge lt le pr; and, or, not, parentheses; value paths such as
emails[type eq "work"] and, as Entra ID writes it, emails[type eq "work"].value eq "x".
"""

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.dateparse import parse_datetime

from provisioning.scim.errors import ScimError

COMPARE_OPERATORS = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"}
_TOKEN = re.compile(
    r'\s*(?:(?P<punct>[()\[\]])|(?P<string>"(?:[^"\\]|\\.)*")|(?P<word>[^\s()\[\]"]+))'
)
MATCH_NOTHING = Q(pk__in=[])


def invalid_filter(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidFilter")


@dataclass(frozen=True)
class Compare:
    attribute: str  # canonical path, lower case: "emails.value", "<urn>:department"
    operator: str
    value: Any


@dataclass(frozen=True)
class Present:
    attribute: str


@dataclass(frozen=True)
class Logical:
    operator: str  # "and" | "or"
    left: Any
    right: Any


@dataclass(frozen=True)
class Not:
    operand: Any


def attribute_key(path: str, core_schema: str) -> str:
    """'urn:...:core:2.0:User:name.givenName' and 'name.givenName' both -> 'name.givenname'."""
    key = path.strip()
    if key.lower().startswith(core_schema.lower() + ":"):
        key = key[len(core_schema) + 1 :]
    return key.lower()


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise invalid_filter(f"The filter cannot be read near: {text[position:][:30]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str, core_schema: str):
        self.tokens, self.position, self.core_schema = _tokens(text), 0, core_schema

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise invalid_filter("The filter ends too early.")
        self.position += 1
        return token

    def expect(self, punct: str) -> None:
        kind, text = self.take()
        if (kind, text) != ("punct", punct):
            raise invalid_filter(f"Expected {punct!r} in the filter, found {text!r}.")

    def keyword(self, *words: str) -> str | None:
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() in words:
            self.position += 1
            return token[1].lower()
        return None

    def parse(self):
        tree = self.disjunction(prefix="")
        if self.peek() is not None:
            raise invalid_filter(f"Unexpected {self.peek()[1]!r} in the filter.")
        return tree

    def disjunction(self, prefix: str):
        tree = self.conjunction(prefix)
        while self.keyword("or"):
            tree = Logical("or", tree, self.conjunction(prefix))
        return tree

    def conjunction(self, prefix: str):
        tree = self.factor(prefix)
        while self.keyword("and"):
            tree = Logical("and", tree, self.factor(prefix))
        return tree

    def factor(self, prefix: str):
        if self.keyword("not"):
            self.expect("(")
            tree = self.disjunction(prefix)
            self.expect(")")
            return Not(tree)
        token = self.peek()
        if token == ("punct", "("):
            self.take()
            tree = self.disjunction(prefix)
            self.expect(")")
            return tree
        return self.attribute_expression(prefix)

    def attribute_expression(self, prefix: str):
        kind, path = self.take()
        if kind != "word":
            raise invalid_filter(f"Expected an attribute in the filter, found {path!r}.")
        attribute = prefix + attribute_key(path, self.core_schema)
        if self.peek() == ("punct", "["):
            if prefix:
                raise invalid_filter("Value filters cannot be nested.")
            self.take()
            inner = self.disjunction(prefix=attribute + ".")
            self.expect("]")
            following = self.peek()
            if following and following[0] == "word" and following[1].startswith("."):
                # Entra ID's emails[type eq "work"].value eq "x": the value path, and then a
                # comparison on one of the same entry's sub-attributes.
                self.take()
                return Logical("and", inner, self.comparison(attribute + following[1].lower()))
            return inner
        return self.comparison(attribute)

    def comparison(self, attribute: str):
        kind, operator = self.take()
        operator = operator.lower()
        if kind != "word" or (operator not in COMPARE_OPERATORS and operator != "pr"):
            raise invalid_filter(f"Unknown filter operator {operator!r}.")
        if operator == "pr":
            return Present(attribute)
        kind, text = self.take()
        return Compare(attribute, operator, _literal(kind, text))


def _literal(kind: str, text: str) -> Any:
    if kind == "string":
        return json.loads(text)
    if kind == "word":
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered == "null":
            return None
        try:
            return json.loads(text)
        except ValueError:
            pass
    raise invalid_filter(f'{text!r} is not a value: quote strings, as in userName eq "ana".')


def parse_filter(text: str, *, core_schema: str):
    if not text or not text.strip():
        raise invalid_filter("The filter is empty.")
    return _Parser(text, core_schema).parse()


@dataclass(frozen=True)
class Field:
    """How one SCIM attribute is found in the database, or the constant it always has."""

    lookups: tuple[str, ...] = ()
    kind: str = "string"  # string | boolean | datetime | uuid
    case_exact: bool = False
    constant: Any = None


_STRING_LOOKUPS = {"eq": "exact", "co": "contains", "sw": "startswith", "ew": "endswith"}
_ORDER_LOOKUPS = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}


def filter_attributes(tree) -> list[str]:
    """Every attribute the filter tree names, in the order it names them."""
    if isinstance(tree, Logical):
        return filter_attributes(tree.left) + filter_attributes(tree.right)
    if isinstance(tree, Not):
        return filter_attributes(tree.operand)
    return [tree.attribute]


def filter_q(tree, fields: Mapping[str, Field], *, unknown_matches_nothing: bool = False) -> Q:
    """The Q that selects what the filter tree matches, over the given attributes. An attribute
    not among them is a 400, or, when searching several resource types at once, a comparison
    that no resource of this type satisfies."""
    if isinstance(tree, Logical):
        left = filter_q(tree.left, fields, unknown_matches_nothing=unknown_matches_nothing)
        right = filter_q(tree.right, fields, unknown_matches_nothing=unknown_matches_nothing)
        return left & right if tree.operator == "and" else left | right
    if isinstance(tree, Not):
        return ~filter_q(tree.operand, fields, unknown_matches_nothing=unknown_matches_nothing)
    field = fields.get(tree.attribute)
    if field is None:
        if unknown_matches_nothing:
            return MATCH_NOTHING
        raise invalid_filter(f"Filtering on {tree.attribute!r} is not supported.")
    if field.constant is not None:
        return Q() if _constant_matches(tree, field.constant) else MATCH_NOTHING
    if isinstance(tree, Present):
        present = Q()
        for lookup in field.lookups:
            one = Q(**{f"{lookup}__isnull": False})
            if field.kind == "string":
                one &= ~Q(**{lookup: ""})
            present |= one
        return present
    return _compare_q(tree, field)


def _compare_q(tree: Compare, field: Field) -> Q:
    operator, value = tree.operator, _typed(tree, field)
    if value is _NOTHING:
        return MATCH_NOTHING if operator != "ne" else Q()
    if value is None:
        if operator not in ("eq", "ne"):
            raise invalid_filter("Only eq and ne compare with null.")
        q = Q()
        for lookup in field.lookups:
            q &= Q(**{f"{lookup}__isnull": True})
        return q if operator == "eq" else ~q
    matches = Q(pk__in=[])
    for lookup in field.lookups:
        if operator in ("eq", "ne", "co", "sw", "ew"):
            if field.kind != "string" and operator not in ("eq", "ne"):
                raise invalid_filter(f"{operator} applies to text, not to {tree.attribute!r}.")
            name = _STRING_LOOKUPS["eq" if operator == "ne" else operator]
            if field.kind == "string" and not field.case_exact:
                name = "i" + name
            matches |= Q(**{f"{lookup}__{name}": value})
        else:
            if field.kind == "boolean":
                raise invalid_filter(f"{operator} does not apply to {tree.attribute!r}.")
            matches |= Q(**{f"{lookup}__{_ORDER_LOOKUPS[operator]}": value})
    return ~matches if operator == "ne" else matches


_NOTHING = object()


def _typed(tree: Compare, field: Field) -> Any:
    value = tree.value
    if value is None:
        return None
    if field.kind == "boolean":
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            raise invalid_filter(f"{tree.attribute!r} is true or false.")
        return value
    if field.kind == "datetime":
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None:
            raise invalid_filter(f"{value!r} is not a date and time (RFC 3339).")
        return moment
    if not isinstance(value, str):
        raise invalid_filter(f"{tree.attribute!r} is compared with a quoted string.")
    if field.kind == "uuid":
        try:
            return uuid.UUID(value)
        except ValueError:
            return _NOTHING  # no resource has such an id
    return value


def _constant_matches(tree, constant: Any) -> bool:
    if isinstance(tree, Present):
        return True
    value = tree.value
    if isinstance(constant, str) and isinstance(value, str):
        constant, value = constant.lower(), value.lower()
    results = {
        "eq": constant == value,
        "ne": constant != value,
        "co": isinstance(value, str) and value in str(constant),
        "sw": isinstance(value, str) and str(constant).startswith(value),
        "ew": isinstance(value, str) and str(constant).endswith(value),
    }
    if tree.operator not in results:
        raise invalid_filter(f"{tree.operator} does not apply to {tree.attribute!r}.")
    return results[tree.operator]
