"""Which statements are evidence of a level, and of what (pure: a statement's JSON in, records
out). analytics/projection/sql.py states the same rules in SQL; tests hold the two together.

A statement counts only when it names a person of this platform (an account under SITE_URL
whose name is a learner pseudonym in canonical UUID form) and a competency of this platform (its
activity IRI, ending in the competency's canonical UUID). Anything else, however close, is not
evidence: pseudonyms and IRIs are identifiers, compared as written.

Evidence that claims an authority (a line manager's validation; an assessor's judgement, that
is a knowledge check passed at a level) counts only when the platform stored it itself or the
LRS client that sent it was trusted for that kind when it did (xapi.models.clients). Anything
else is stored by the LRS but is evidence of nothing: ranked even as the weakest kind, it would
still let any client overwrite a person's own self-assessment.

Voiding follows from that: a voiding statement takes a statement's evidence away only when its
sender could have sent that evidence (see voiding_removes). The LRS still voids the statement
for every xAPI read; the reports keep its evidence.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from competencies.proficiency import Source
from xapi.models.clients import TRUSTED_EVIDENCE_NAMES
from xapi.models.statements import StatementOrigin
from xapi.validation.primitives import parse_timestamp
from xapi.vocab import (
    VERB_ANSWERED,
    VERB_COMPLETED,
    VERB_PASSED,
    category_self_assessment,
    extension_level_claimed,
    extension_levels_claimed,
    site_iri,
    verb_validated,
)

# A level is a step on a proficiency scale; the seeded scales have 4 and 8. A larger number is
# a mistake in the sending system, not evidence (and would not fit the reporting store).
LEVEL_LIMIT = 100
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# The kind of trust (xapi.models.clients.TRUSTED_EVIDENCE) each authority-claiming source needs.
TRUST_NEEDED = {Source.VALIDATION: "validation", Source.CHECK: "assessment"}


def trusted_kinds(origin: str, trusted_evidence: object) -> frozenset[str]:
    """The authority-claiming evidence a stored statement may carry, from its row's record of
    who stored it: all of it from the platform, what its client was trusted with otherwise."""
    if origin == StatementOrigin.PLATFORM:
        return TRUSTED_EVIDENCE_NAMES
    if not isinstance(trusted_evidence, list):
        return frozenset()
    return TRUSTED_EVIDENCE_NAMES.intersection(trusted_evidence)


def trust_needed_by(verb: str) -> str | None:
    """The kind of trust a statement with this verb needs to be evidence, if any."""
    needs = {verb_validated(): Source.VALIDATION, VERB_PASSED: Source.CHECK}
    return TRUST_NEEDED[needs[verb]] if verb in needs else None


def voiding_removes(
    *,
    voider_origin: str,
    voider_trusted: object,
    voider_client: int | None,
    target_client: int | None,
    target_verb: str,
) -> bool:
    """Whether a voiding statement takes its target's evidence away: only when its sender
    could have sent that evidence, that is the platform, the client that stored the target, or
    a client trusted for the target's kind when it stored the voiding. Evidence that claims no
    authority anyone could have sent, so anyone may void it.

    Clients are their `client_number`s (kept when a client is deleted); `voider_trusted` is
    the voiding statement's recorded trust, as for trusted_kinds."""
    needed = trust_needed_by(target_verb)
    if needed is None:
        return True
    if voider_client is not None and voider_client == target_client:
        return True
    return needed in trusted_kinds(voider_origin, voider_trusted)


@dataclass(frozen=True)
class Record:
    account_name: str
    competency_uuid: str
    level: int | None
    source: Source
    occurred_at: datetime
    statement_id: str


def evidence_verbs() -> list[str]:
    return [VERB_ANSWERED, VERB_PASSED, VERB_COMPLETED, verb_validated()]


def competency_iri_prefix() -> str:
    return site_iri("xapi/activities/competency/")


def competency_uuid(iri: object) -> str | None:
    """The competency a site IRI names, as canonical UUID text; None for any other IRI."""
    prefix = competency_iri_prefix()
    if isinstance(iri, str) and iri.startswith(prefix):
        tail = iri[len(prefix) :]
        if _CANONICAL_UUID.fullmatch(tail):
            return tail
    return None


def level_in(value: object) -> int | None:
    """A claimed level: a whole number from 0 to LEVEL_LIMIT, else None."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= LEVEL_LIMIT:
        return value
    return None


def pseudonym_in(statement: dict) -> str | None:
    """The actor's pseudonym if it is a person of this platform, else None."""
    account = (statement.get("actor") or {}).get("account") or {}
    name = account.get("name")
    if account.get("homePage") != settings.SITE_URL or not isinstance(name, str):
        return None
    return name if _CANONICAL_UUID.fullmatch(name) else None


def evidence_in(statement: dict, *, trusted: Collection[str]) -> list[Record]:
    """What one statement says about someone's level, if anything. `trusted`: the kinds of
    authority-claiming evidence its sender was trusted with (see trusted_kinds)."""
    name = pseudonym_in(statement)
    if name is None:
        return []  # only people of this platform can be placed in its organisation
    verb = statement["verb"]["id"]
    result = statement.get("result") or {}
    extensions = result.get("extensions") or {}
    activities = (statement.get("context") or {}).get("contextActivities") or {}
    target = competency_uuid((statement.get("object") or {}).get("id"))
    level = level_in(extensions.get(extension_level_claimed()))

    def record(competency: str, claimed: int | None, source: Source) -> Record:
        return Record(
            account_name=name,
            competency_uuid=competency,
            level=claimed,
            source=source,
            occurred_at=parse_timestamp(statement["timestamp"], "timestamp"),
            statement_id=statement["id"],
        )

    if verb == VERB_ANSWERED and _has(activities.get("category"), category_self_assessment()):
        # "I don't know" is evidence too: it replaces an earlier self-assessment.
        return [record(target, level, Source.SELF)] if target else []
    if verb == verb_validated():
        if TRUST_NEEDED[Source.VALIDATION] not in trusted:
            return []
        return [record(target, level, Source.VALIDATION)] if target and level is not None else []
    if verb == VERB_PASSED and result.get("success", True) and level is not None:
        if TRUST_NEEDED[Source.CHECK] not in trusted:
            return []
        others = activities.get("other")
        return [
            record(competency, level, Source.CHECK)
            for competency in (competency_uuid(a.get("id")) for a in _objects(others))
            if competency
        ]
    if verb == VERB_COMPLETED:
        levels = extensions.get(extension_levels_claimed())
        if isinstance(levels, dict):
            return [
                record(competency, level_in(claimed), Source.COMPLETION)
                for competency, claimed in ((competency_uuid(k), v) for k, v in levels.items())
                if competency and level_in(claimed) is not None
            ]
    return []


def _objects(value) -> list[dict]:
    return [a for a in value if isinstance(a, dict)] if isinstance(value, list) else []


def _has(activities, iri: str) -> bool:
    return any(a.get("id") == iri for a in _objects(activities))
