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

`reported_level` is the one rule; `current_levels` is the one place every page reads its
result from. The result is kept in the reporting store: the evidence projection applies this
rule to every statement the LRS accepted as evidence (the platform's own and those of clients
trusted for that kind of evidence, less what a voiding statement took away), as it arrives.
A person's skills profile, their line manager's team page and the department report therefore
show the same level. The store belongs to the reporting app, which sits above this one: it
hands its reader to `use_level_store` when it starts, as it connects the projection to the LRS.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils.translation import gettext, gettext_noop


class Source(StrEnum):
    CHECK = "knowledge check"
    VALIDATION = "manager validation"
    COMPLETION = "course completion"
    SELF = "self-assessment"

    @property
    def label(self) -> str:
        """How a page names the source in a sentence: "2, from a knowledge check"."""
        return gettext(_SOURCE_LABELS[self])


# Translators: how a level's evidence is named in a sentence, "2, from a knowledge check".
_SOURCE_LABELS = {
    Source.CHECK: gettext_noop("a knowledge check"),
    Source.VALIDATION: gettext_noop("a line manager's confirmation"),
    Source.COMPLETION: gettext_noop("a completed course"),
    Source.SELF: gettext_noop("a self-assessment"),
}


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


# (user ids, framework id) -> user id -> competency id -> Reported, for every competency of
# the framework the person has evidence in; competencies without evidence are left out.
LevelStore = Callable[[list[int], int], dict[int, dict[int, Reported]]]
_store: list[LevelStore] = []


def use_level_store(reader: LevelStore) -> None:
    """Where current levels are read from (the reporting store's reader, set at start-up)."""
    _store[:] = [reader]


def current_levels_of(user_ids: Iterable[int], framework_id: int) -> dict[int, dict[int, Reported]]:
    """The current level of each of these people in each competency of the framework, by user
    id then competency id, as reports count it; a competency without evidence is absent (its
    level is unknown). One read, however many people."""
    if not _store:
        raise RuntimeError("no store of current levels: is the reporting app installed?")
    ids = sorted(set(user_ids))
    found = _store[0](ids, framework_id) if ids else {}
    return {user_id: found.get(user_id, {}) for user_id in ids}


def current_levels(user, framework) -> dict[int, Reported]:
    """A person's current level in each competency of `framework` they have evidence in, by
    competency id: the level every page shows and every report counts."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return current_levels_of([user.pk], framework.pk)[user.pk]


# The level of a competency without evidence.
UNKNOWN = Reported(level=None, source=None)
