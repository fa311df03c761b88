"""Checks for xAPI's primitive types: IRIs, UUIDs, timestamps, durations, language maps."""

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from xapi.validation.errors import XapiValidationError

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)
# An absolute IRI: a scheme, a colon and at least one character that is not white space.
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
MAILTO_RE = re.compile(r"^mailto:[^@\s:/]+@[^@\s]+\.[^@\s]+$", re.IGNORECASE)
# BCP 47 (RFC 5646) language tags, with grandfathered and private-use forms.
LANGUAGE_TAG_RE = re.compile(
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"
    r"|[Xx](?:-[A-Za-z0-9]{1,8})+"
    r"|[Ii]-[A-Za-z]{2,8}(?:-[A-Za-z]{2,8})?"
    r"|[A-Za-z]{2,3}-[A-Za-z]{3}(?:-[A-Za-z]{2})?)$"
)
# ISO 8601 durations: weeks alone (P4W), or years to seconds with at least one component.
DURATION_RE = re.compile(
    r"^P(?:\d+(?:[.,]\d+)?W"
    r"|(?!$)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?)$"
)
# ISO 8601 extended or basic date-time with an optional offset (Z, +hh:mm, +hhmm or +hh).
# \Z, not $: a trailing newline is not part of any xAPI value.
TIMESTAMP_RE = re.compile(
    r"^(?P<year>\d{4})-?(?P<month>\d{2})-?(?P<day>\d{2})"
    r"[Tt ](?P<hour>\d{2}):?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"(?P<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)?\Z"
)
NEGATIVE_ZERO_OFFSETS = {"-00", "-0000", "-00:00"}


def require_type(value: Any, kind: type | tuple[type, ...], path: str, what: str) -> None:
    # bool is an int in Python; JSON keeps them apart, and so must we.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise XapiValidationError(f"must be {what}", path)
    if not isinstance(value, kind):
        raise XapiValidationError(f"must be {what}", path)


def check_keys(obj: dict, allowed: set[str], path: str) -> None:
    extra = sorted(set(obj) - allowed)
    if extra:
        raise XapiValidationError(f"has properties xAPI does not define: {', '.join(extra)}", path)
    for key, value in obj.items():
        if value is None:
            raise XapiValidationError("must not be null", f"{path}.{key}" if path else key)


def check_object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise XapiValidationError("must be a JSON object", path)
    return value


def check_iri(value: Any, path: str) -> str:
    if not isinstance(value, str) or not IRI_RE.match(value):
        raise XapiValidationError("must be an absolute IRI, like https://example.org/x", path)
    return value


def check_uuid(value: Any, path: str) -> str:
    if not isinstance(value, str) or not UUID_RE.match(value):
        raise XapiValidationError("must be a UUID in its standard string form", path)
    return value


def check_string(value: Any, path: str) -> str:
    require_type(value, str, path, "a string")
    return value


def check_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise XapiValidationError("must be true or false", path)
    return value


def check_number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise XapiValidationError("must be a number", path)
    return value


def check_language_tag(value: Any, path: str) -> str:
    if not isinstance(value, str) or not LANGUAGE_TAG_RE.match(value):
        raise XapiValidationError("must be an RFC 5646 language tag, like en-GB", path)
    return value


def check_language_map(value: Any, path: str) -> dict:
    check_object(value, path)
    for tag, text in value.items():
        check_language_tag(tag, f"{path}[{tag!r}]")
        if not isinstance(text, str):
            raise XapiValidationError("language map values must be strings", f"{path}.{tag}")
    return value


def check_extensions(value: Any, path: str) -> dict:
    check_object(value, path)
    for key in value:
        check_iri(key, f"{path}[{key!r}]")
    return value


def check_mbox(value: Any, path: str) -> str:
    if not isinstance(value, str) or not MAILTO_RE.match(value):
        raise XapiValidationError("must be a mailto: IRI, like mailto:name@example.org", path)
    return value


def check_sha1(value: Any, path: str) -> str:
    if not isinstance(value, str) or not SHA1_RE.match(value):
        raise XapiValidationError("must be a SHA-1 hex digest (40 characters)", path)
    return value


def check_duration(value: Any, path: str) -> str:
    if not isinstance(value, str) or not DURATION_RE.match(value):
        raise XapiValidationError("must be an ISO 8601 duration, like PT1H30M", path)
    return value


def parse_timestamp(value: Any, path: str, *, require_offset: bool = False) -> datetime:
    """Parse an ISO 8601 timestamp; a missing offset means UTC unless one is required."""
    if not isinstance(value, str):
        raise XapiValidationError("must be an ISO 8601 timestamp string", path)
    match = TIMESTAMP_RE.match(value)
    if not match:
        raise XapiValidationError("must be an ISO 8601 timestamp, like 2026-11-25T09:30:00Z", path)
    parts = match.groupdict()
    offset = parts["offset"]
    if offset in NEGATIVE_ZERO_OFFSETS:
        raise XapiValidationError("must not use the offset -00:00 (use Z or +00:00)", path)
    if offset is None and require_offset:
        raise XapiValidationError("must include a time zone offset, like Z or +01:00", path)
    try:
        moment = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            int((parts["fraction"] or "0")[:6].ljust(6, "0")),
            tzinfo=_offset(offset),
        )
    except ValueError as error:
        raise XapiValidationError(f"is not a real date and time ({error})", path) from None
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise XapiValidationError(
            "is not a real date and time (it lies beyond the year 9999 in UTC)", path
        ) from None


def _offset(text: str | None) -> timezone:
    if text is None or text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
