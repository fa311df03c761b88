"""The rule that turns evidence into the level a report uses (pure: data in, data out).

Sources, strongest first:
1. assessed: a passed knowledge check evidencing a level, or a line manager's validation.
   A validation newer than every check pass wins (a manager may lower a level); otherwise
   the highest level passed counts.
2. completion: completing a course that builds the competency; the highest level counts.
3. self: the person's own latest self-assessment (people correct themselves); a latest
   answer of "I don't know" leaves it unknown.
The reported level comes from the strongest source that has a level. With no evidence the
level is unknown (None), never 0. Two pieces of evidence of one source recorded at the same
instant are ordered by level, so the higher one counts as the later.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Source(StrEnum):
    CHECK = "knowledge check"
    VALIDATION = "manager validation"
    COMPLETION = "course completion"
    SELF = "self-assessment"


@dataclass(frozen=True)
class Evidence:
    source: Source
    level: int | None
    at: datetime


@dataclass(frozen=True)
class Reported:
    level: int | None
    source: Source | None
    at: datetime | None = None
    assessed: int | None = None
    completion: int | None = None
    self_level: int | None = None


def reported_level(evidence: Iterable[Evidence]) -> Reported:
    items = sorted(evidence, key=lambda e: (e.at, -1 if e.level is None else e.level))
    checks = [e for e in items if e.source == Source.CHECK and e.level is not None]
    validations = [e for e in items if e.source == Source.VALIDATION and e.level is not None]
    completions = [e for e in items if e.source == Source.COMPLETION and e.level is not None]
    selves = [e for e in items if e.source == Source.SELF]

    assessed = None
    if validations and (not checks or validations[-1].at >= checks[-1].at):
        assessed = validations[-1]
    elif checks:
        assessed = max(checks, key=lambda e: (e.level, e.at))
    completion = max(completions, key=lambda e: (e.level, e.at)) if completions else None
    self_assessed = selves[-1] if selves and selves[-1].level is not None else None

    chosen = assessed or completion or self_assessed
    return Reported(
        level=chosen.level if chosen else None,
        source=chosen.source if chosen else None,
        at=chosen.at if chosen else None,
        assessed=assessed.level if assessed else None,
        completion=completion.level if completion else None,
        self_level=self_assessed.level if self_assessed else None,
    )


def gap(target: int | None, level: int | None) -> int | None:
    """How far below target; None when either is unknown (unknown is never counted as 0)."""
    if target is None or level is None:
        return None
    return max(target - level, 0)
