"""JSON that parses but cannot be stored or processed: NUL, surrogates, huge numbers, depth."""

import json
import math
import re
import sys
from typing import Any

from xapi.validation.errors import XapiValidationError

# Deep enough for any real extension value, shallow enough that every recursive step after
# parsing (validation, canonical form, the databases' own JSON functions) stays well inside
# Python's recursion limit.
MAX_DEPTH = 64
# PostgreSQL refuses NUL in text and jsonb; a lone surrogate cannot be written as UTF-8.
UNSTORABLE_CHARACTER_RE = re.compile("[\x00\ud800-\udfff]")
LARGEST_DOUBLE = sys.float_info.max


class JsonValueError(XapiValidationError):
    """A JSON text that is well formed but holds a value the LRS cannot keep."""


def _refuse_constant(name: str) -> Any:
    raise JsonValueError(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JsonValueError(f"the number {text[:40]} is beyond the range of a double")
    return value


def _int(text: str) -> int:
    # More digits than any double has: refuse before int() spends time (or its digit limit).
    if len(text.lstrip("-")) > 309:
        raise JsonValueError(f"the number {text[:40]}... is beyond the range of a double")
    value = int(text)
    if abs(value) > LARGEST_DOUBLE:
        raise JsonValueError(f"the number {text[:40]}... is beyond the range of a double")
    return value


def _string_problem(text: str) -> str | None:
    found = UNSTORABLE_CHARACTER_RE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "holds a NUL character (\\u0000), which cannot be stored"
    return "holds an unpaired surrogate (\\ud800-\\udfff), which is not valid Unicode"


def check_storable(value: Any, path: str) -> None:
    """Refuse NUL or surrogates in strings and keys, non-finite or huge numbers, deep nesting."""
    pending: list[tuple[Any, str, int]] = [(value, path, 1)]
    while pending:
        item, where, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise JsonValueError(f"is nested more than {MAX_DEPTH} levels deep", where)
            if isinstance(item, dict):
                for key, child in item.items():
                    problem = _string_problem(key) if isinstance(key, str) else None
                    if problem:
                        raise JsonValueError(f"has a property name that {problem}", where)
                    pending.append((child, f"{where}.{key}" if where else key, depth + 1))
            else:
                pending.extend((child, f"{where}[{i}]", depth + 1) for i, child in enumerate(item))
        elif isinstance(item, str):
            problem = _string_problem(item)
            if problem:
                raise JsonValueError(problem, where)
        elif isinstance(item, float) and not math.isfinite(item):
            raise JsonValueError("must be a finite number", where)
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > LARGEST_DOUBLE:
            raise JsonValueError("is a number beyond the range of a double", where)


def load_json(content: bytes | str, what: str) -> Any:
    """Parse JSON the LRS can keep; XapiValidationError names what is wrong with it.

    Text that is not JSON at all raises a plain ValueError, so callers keep their own message.
    """
    try:
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        value = json.loads(
            text, parse_constant=_refuse_constant, parse_float=_float, parse_int=_int
        )
    except RecursionError:
        raise JsonValueError(f"is nested more than {MAX_DEPTH} levels deep", what) from None
    except JsonValueError as error:
        raise JsonValueError(error.message, what) from None
    try:
        check_storable(value, "")
    except JsonValueError as error:
        raise JsonValueError(
            error.message, f"{what} at {error.path}" if error.path else what
        ) from None
    return value
