"""The CMI data a SCO commits: checked against the SCORM 1.2 or 2004 data model, reduced to the
few values the platform tracks. Pure: takes the decoded JSON, returns data or raises CmiInvalid."""

import math
import re
from dataclasses import dataclass
from typing import Any

# A whole commit, interactions and suspend data included; SCORM 2004's largest fields (64,000
# characters of suspend data, a few hundred interactions) fit with room to spare.
MAX_COMMIT_BYTES = 512 * 1024
MAX_INTERACTIONS = 500
MAX_OBJECTIVES = 100

_TIME_12 = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(\.\d{1,2})?$")
_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
_LESSON_STATUS = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}
_COMPLETION = {"completed", "incomplete", "not attempted", "unknown"}
_SUCCESS = {"passed", "failed", "unknown"}
_EXIT_12 = {"", "time-out", "suspend", "logout"}
_EXIT_2004 = {"", "time-out", "suspend", "logout", "normal"}


class CmiInvalid(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CmiSummary:
    """What one commit says, in SCORM 2004 terms whatever the version."""

    completion_status: str
    success_status: str
    score_raw: float | None
    score_min: float | None
    score_max: float | None
    score_scaled: float | None
    session_seconds: float
    exit: str
    location: str
    suspend_data: str


def seconds_12(value: str) -> float:
    """CMITimespan (HHHH:MM:SS.SS) in seconds."""
    match = _TIME_12.match(value)
    if not match:
        raise CmiInvalid(f"session_time {value!r} is not HHHH:MM:SS.SS")
    hours, minutes, seconds, fraction = match.groups()
    if int(minutes) > 59 or int(seconds) > 59:
        raise CmiInvalid(f"session_time {value!r} has minutes or seconds over 59")
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + float(fraction or 0)


def seconds_2004(value: str) -> float:
    """An ISO 8601 duration (timeinterval (second, 10,2)) in seconds; a month is 30 days."""
    match = _DURATION.match(value)
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise CmiInvalid(f"session_time {value!r} is not an ISO 8601 duration")
    years, months, days, hours, minutes, seconds = (float(g or 0) for g in match.groups())
    return ((years * 365 + months * 30 + days) * 24 + hours) * 3600 + minutes * 60 + seconds


def duration_iso(seconds: float) -> str:
    """Seconds as the ISO 8601 duration xAPI's result.duration takes."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    fraction = round(seconds - whole, 2)
    text = f"{secs + fraction:g}" if fraction else str(secs)
    return f"PT{hours}H{minutes}M{text}S"


def _string(cmi: dict, key: str, limit: int, where: str = "") -> str:
    value = cmi.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CmiInvalid(f"cmi.{where}{key} must be a string")
    if len(value) > limit:
        raise CmiInvalid(f"cmi.{where}{key} is longer than {limit} characters")
    return value


def _real(value: Any, name: str, low: float | None = None, high: float | None = None):
    if value in ("", None):
        return None
    if isinstance(value, bool):
        raise CmiInvalid(f"{name} must be a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CmiInvalid(f"{name} must be a number, not {value!r}") from None
    if math.isnan(number) or math.isinf(number):
        raise CmiInvalid(f"{name} must be a finite number")
    if (low is not None and number < low) or (high is not None and number > high):
        raise CmiInvalid(f"{name} must be between {low:g} and {high:g}")
    return number


def _collection(cmi: dict, key: str, limit: int) -> None:
    value = cmi.get(key, {})
    if value in ("", None):
        return
    if isinstance(value, list):
        items = value
    elif isinstance(value, dict):
        items = list(value.values())
    else:
        raise CmiInvalid(f"cmi.{key} must be a list or an object")
    if len(items) > limit:
        raise CmiInvalid(f"cmi.{key} holds more than {limit} entries")
    if any(not isinstance(item, dict) for item in items):
        raise CmiInvalid(f"each of cmi.{key} must be an object")


def cmi_parse(payload: Any, *, version: str) -> tuple[dict, CmiSummary]:
    """The commit's `cmi` object and its summary; CmiInvalid names the first field at fault."""
    if not isinstance(payload, dict) or not isinstance(payload.get("cmi"), dict):
        raise CmiInvalid('the commit must be a JSON object with a "cmi" object')
    cmi = payload["cmi"]
    _collection(cmi, "interactions", MAX_INTERACTIONS)
    _collection(cmi, "objectives", MAX_OBJECTIVES)
    if version == "1.2":
        return cmi, _summary_12(cmi)
    return cmi, _summary_2004(cmi)


def _summary_12(cmi: dict) -> CmiSummary:
    core = cmi.get("core", {})
    if not isinstance(core, dict):
        raise CmiInvalid("cmi.core must be an object")
    status = _string(core, "lesson_status", 16, "core.") or "not attempted"
    if status not in _LESSON_STATUS:
        raise CmiInvalid(f"cmi.core.lesson_status {status!r} is not a SCORM 1.2 lesson status")
    exit_ = _string(core, "exit", 16, "core.")
    if exit_ not in _EXIT_12:
        raise CmiInvalid(f"cmi.core.exit {exit_!r} is not a SCORM 1.2 exit value")
    score = core.get("score", {}) or {}
    if not isinstance(score, dict):
        raise CmiInvalid("cmi.core.score must be an object")
    raw = _real(score.get("raw"), "cmi.core.score.raw", 0, 100)
    low = _real(score.get("min"), "cmi.core.score.min", 0, 100)
    high = _real(score.get("max"), "cmi.core.score.max", 0, 100)
    session = _string(core, "session_time", 16, "core.")
    completion = {
        "passed": "completed",
        "completed": "completed",
        "failed": "completed",
        "incomplete": "incomplete",
        "browsed": "incomplete",
    }.get(status, "not attempted")
    success = status if status in ("passed", "failed") else "unknown"
    return CmiSummary(
        completion_status=completion,
        success_status=success,
        score_raw=raw,
        score_min=low,
        score_max=high,
        score_scaled=_scaled(raw, low, high, default_max=100.0),
        session_seconds=seconds_12(session) if session else 0.0,
        exit=exit_,
        location=_string(core, "lesson_location", 255, "core."),
        suspend_data=_string(cmi, "suspend_data", 4096),
    )


def _summary_2004(cmi: dict) -> CmiSummary:
    completion = _string(cmi, "completion_status", 16) or "unknown"
    if completion not in _COMPLETION:
        raise CmiInvalid(f"cmi.completion_status {completion!r} is not a SCORM 2004 value")
    success = _string(cmi, "success_status", 16) or "unknown"
    if success not in _SUCCESS:
        raise CmiInvalid(f"cmi.success_status {success!r} is not a SCORM 2004 value")
    exit_ = _string(cmi, "exit", 16)
    if exit_ not in _EXIT_2004:
        raise CmiInvalid(f"cmi.exit {exit_!r} is not a SCORM 2004 exit value")
    score = cmi.get("score", {}) or {}
    if not isinstance(score, dict):
        raise CmiInvalid("cmi.score must be an object")
    scaled = _real(score.get("scaled"), "cmi.score.scaled", -1, 1)
    raw = _real(score.get("raw"), "cmi.score.raw")
    low = _real(score.get("min"), "cmi.score.min")
    high = _real(score.get("max"), "cmi.score.max")
    _real(cmi.get("progress_measure"), "cmi.progress_measure", 0, 1)
    session = _string(cmi, "session_time", 64)
    return CmiSummary(
        completion_status=completion,
        success_status=success,
        score_raw=raw,
        score_min=low,
        score_max=high,
        score_scaled=scaled if scaled is not None else _scaled(raw, low, high),
        session_seconds=seconds_2004(session) if session else 0.0,
        exit=exit_,
        location=_string(cmi, "location", 1000),
        suspend_data=_string(cmi, "suspend_data", 64000),
    )


def _scaled(raw, low, high, default_max: float | None = None) -> float | None:
    """A raw score on the SCO's own scale as -1..1; None when the scale is unknown."""
    if raw is None:
        return None
    low = 0.0 if low is None else low
    high = default_max if high is None else high
    if high is None or high <= low:
        return None
    return round(max(-1.0, min(1.0, (raw - low) / (high - low))), 4)
