"""Statement comparison: are two statements the same, ignoring what the LRS adds?

Used when a statement id arrives again (same content: accepted, else 409) and to check that a
signature's payload is the statement it is attached to.
"""

import re
from typing import Any

from xapi.validation.errors import XapiValidationError
from xapi.validation.primitives import parse_timestamp

# Set or changed by the LRS on storage, so never part of the comparison.
LRS_PROPERTIES = ("authority", "stored", "version")
_HUNDREDTHS = re.compile(r"(\d+[.,])(\d+)(?=S)")


def statements_equivalent(stored: dict, incoming: dict, *, ignore: tuple[str, ...] = ()) -> bool:
    left, right = dict(stored), dict(incoming)
    for key in (*LRS_PROPERTIES, *ignore):
        left.pop(key, None)
        right.pop(key, None)
    if "id" not in right:
        left.pop("id", None)
    if "timestamp" not in right:
        # The LRS fills in a missing timestamp with the time it stored the statement.
        left.pop("timestamp", None)
    return _normalise(left) == _normalise(right)


def _normalise(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        result = {k: _normalise(v, k) for k, v in value.items()}
        if key in ("actor", "instructor", "agent") or "mbox" in result or "account" in result:
            result.setdefault("objectType", "Agent")
        if key == "object":
            result.setdefault("objectType", "Activity")
        if key == "contextActivities":
            result = {k: v if isinstance(v, list) else [v] for k, v in result.items()}
        if key == "id" and isinstance(result, str):
            return result.lower()
        return result
    if isinstance(value, list):
        return [_normalise(item, key) for item in value]
    if key == "duration" and isinstance(value, str):
        # Precision beyond hundredths of a second is not significant (xAPI 2.0, 4.2.7).
        return _HUNDREDTHS.sub(lambda m: m.group(1) + m.group(2)[:2], value)
    if key in ("timestamp",) and isinstance(value, str):
        try:
            return parse_timestamp(value, key)
        except XapiValidationError:
            return value
    if key in ("id", "registration") and isinstance(value, str) and len(value) == 36:
        return value.lower()
    return value
