"""The evidence projection: statements in, evidence of proficiency out.

`evidence_in` is pure (a statement's JSON to evidence records); `project` writes what a batch
of stored statements means for the reporting store, incrementally; `rebuild` replays the whole
statement stream from nothing. Both paths share every rule, so they give the same result.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, JSONField
from django.db.models.expressions import RawSQL

from analytics.models import Evidence, Proficiency
from competencies.models import Competency
from competencies.proficiency import Evidence as EvidenceItem
from competencies.proficiency import Source, reported_level
from xapi.models import LearnerIdentity, Statement
from xapi.validation.primitives import parse_timestamp
from xapi.vocab import (
    VERB_ANSWERED,
    VERB_COMPLETED,
    VERB_PASSED,
    VERB_VOIDED,
    category_self_assessment,
    extension_level_claimed,
    extension_levels_claimed,
    verb_validated,
)

COMPETENCY_IRI_MARK = "/xapi/activities/competency/"


@dataclass(frozen=True)
class Record:
    account_name: str
    competency_iri: str
    level: int | None
    source: Source
    occurred_at: datetime
    statement_id: str


def evidence_verbs() -> list[str]:
    return [VERB_ANSWERED, VERB_PASSED, VERB_COMPLETED, verb_validated()]


def evidence_in(statement: dict) -> list[Record]:
    """What one statement says about someone's level, if anything (pure)."""
    actor = statement.get("actor", {})
    account = actor.get("account") or {}
    if account.get("homePage") != settings.SITE_URL or not account.get("name"):
        return []  # only people of this platform can be placed in its organisation
    verb = statement["verb"]["id"]
    result = statement.get("result") or {}
    extensions = result.get("extensions") or {}
    context = statement.get("context") or {}
    activities = context.get("contextActivities") or {}
    when = parse_timestamp(statement["timestamp"], "timestamp")
    common = {"account_name": account["name"], "occurred_at": when, "statement_id": statement["id"]}
    target = statement.get("object", {}).get("id", "")

    if verb == VERB_ANSWERED and _has(activities.get("category"), category_self_assessment()):
        if COMPETENCY_IRI_MARK not in target:
            return []
        return [
            Record(
                competency_iri=target,
                level=_level(extensions.get(extension_level_claimed())),
                source=Source.SELF,
                **common,
            )
        ]
    if verb == verb_validated() and COMPETENCY_IRI_MARK in target:
        level = _level(extensions.get(extension_level_claimed()))
        return (
            [Record(competency_iri=target, level=level, source=Source.VALIDATION, **common)]
            if level is not None
            else []
        )
    if verb == VERB_PASSED and result.get("success", True):
        level = _level(extensions.get(extension_level_claimed()))
        competencies = [
            a["id"]
            for a in activities.get("other", []) or []
            if COMPETENCY_IRI_MARK in a.get("id", "")
        ]
        return (
            [
                Record(competency_iri=iri, level=level, source=Source.CHECK, **common)
                for iri in competencies
            ]
            if level is not None
            else []
        )
    if verb == VERB_COMPLETED:
        levels = extensions.get(extension_levels_claimed())
        if isinstance(levels, dict):
            return [
                Record(competency_iri=iri, level=_level(level), source=Source.COMPLETION, **common)
                for iri, level in levels.items()
                if COMPETENCY_IRI_MARK in iri and _level(level) is not None
            ]
    return []


def _has(activities, iri: str) -> bool:
    return any(a.get("id") == iri for a in activities or [])


def _level(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


class Resolver:
    """Maps pseudonyms and competency IRIs to rows, caching what it has seen."""

    def __init__(self):
        self.learners: dict[str, int | None] = {}
        self.competencies: dict[str, int | None] = {}

    def prepare(self, records: list[Record]) -> None:
        names = {r.account_name for r in records} - set(self.learners)
        for chunk in _chunks(sorted(names), 5000):
            found = dict(
                LearnerIdentity.objects.filter(account_name__in=_uuids(chunk)).values_list(
                    "account_name", "pk"
                )
            )
            for name in chunk:
                self.learners[name] = found.get(_uuid(name))
        iris = {r.competency_iri for r in records} - set(self.competencies)
        if iris:
            by_uuid = {iri: _uuid(iri.rsplit("/", 1)[-1]) for iri in iris}
            found = dict(
                Competency.objects.filter(uuid__in=[u for u in by_uuid.values() if u]).values_list(
                    "uuid", "pk"
                )
            )
            for iri, stable in by_uuid.items():
                self.competencies[iri] = found.get(stable)

    def rows(self, records: Iterable[Record]) -> Iterator["EvidenceRow"]:
        for record in records:
            learner = self.learners.get(record.account_name)
            competency = self.competencies.get(record.competency_iri)
            if learner and competency:
                yield EvidenceRow(
                    learner,
                    competency,
                    record.level,
                    record.source.value,
                    record.occurred_at,
                    record.statement_id,
                )


class EvidenceRow(NamedTuple):
    """One row of analytics_evidence, in its column order."""

    learner_id: int
    competency_id: int
    level: int | None
    source: str
    occurred_at: datetime
    statement_id: str


EVIDENCE_COLUMNS = EvidenceRow._fields
PROFICIENCY_COLUMNS = (
    "learner_id",
    "competency_id",
    "assessed_level",
    "completion_level",
    "self_level",
    "level",
    "source",
    "evidence_at",
)


def _write(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Insert plain rows. PostgreSQL gets them by COPY: building a model instance per row and
    binding every value of a bulk INSERT cost far more than the projection's own work once a
    rebuild writes millions of rows."""
    if connection.vendor == "postgresql":
        sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    model.objects.bulk_create(
        (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=5000
    )


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _uuids(names) -> list[uuid.UUID]:
    return [u for u in (_uuid(n) for n in names) if u]


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def project(statements: Iterable[Statement]) -> int:
    """Bring the reporting store up to date with newly stored statements; returns how many
    evidence rows changed. Voiding removes the voided statement's evidence."""
    statements = list(statements)
    voided = [
        str(s.object_statement_id)
        for s in statements
        if s.verb_id == VERB_VOIDED and s.object_statement_id
    ]
    affected: set[tuple[int, int]] = set()
    if voided:
        gone = Evidence.objects.filter(statement_id__in=voided)
        affected |= set(gone.values_list("learner_id", "competency_id"))
        gone.delete()
    verbs = set(evidence_verbs())
    records = [
        r for s in statements if s.verb_id in verbs and not s.voided for r in evidence_in(s.data)
    ]
    resolver = Resolver()
    resolver.prepare(records)
    rows = list(resolver.rows(records))
    _write(Evidence, EVIDENCE_COLUMNS, rows)
    affected |= {(row.learner_id, row.competency_id) for row in rows}
    if affected:
        proficiency_refresh(affected)
    # Nothing else is written: a shared "last seen" row would make every concurrent write of
    # statements queue on one lock. Readers tell that evidence changed from the data itself.
    return len(rows) + len(voided)


def proficiency_refresh(pairs: set[tuple[int, int]], *, replacing: bool = True) -> None:
    """Recompute the current levels of some (learner, competency) pairs from their evidence.
    `replacing=False` skips deleting their old rows, for a rebuild that emptied the table."""
    by_learner: dict[int, set[int]] = defaultdict(set)
    for learner, competency in pairs:
        by_learner[learner].add(competency)
    for learners in _chunks(sorted(by_learner), 2000):
        evidence = defaultdict(list)
        for learner, competency, level, source, at in Evidence.objects.filter(
            learner_id__in=learners
        ).values_list("learner_id", "competency_id", "level", "source", "occurred_at"):
            if competency in by_learner[learner]:
                evidence[(learner, competency)].append(EvidenceItem(Source(source), level, at))
        chunk_pairs = [(learner, c) for learner in learners for c in by_learner[learner]]
        if replacing:
            _delete_pairs(chunk_pairs)
        _write(
            Proficiency,
            PROFICIENCY_COLUMNS,
            (
                _proficiency(learner, competency, evidence[(learner, competency)])
                for learner, competency in chunk_pairs
                if evidence.get((learner, competency))
            ),
        )


def _delete_pairs(pairs: list[tuple[int, int]]) -> None:
    by_competency: dict[int, list[int]] = defaultdict(list)
    for learner, competency in pairs:
        by_competency[competency].append(learner)
    for competency, learners in by_competency.items():
        Proficiency.objects.filter(competency_id=competency, learner_id__in=learners).delete()


def _proficiency(learner: int, competency: int, evidence: list[EvidenceItem]) -> tuple:
    reported = reported_level(evidence)
    return (
        learner,
        competency,
        reported.assessed,
        reported.completion,
        reported.self_level,
        reported.level,
        reported.source.value if reported.source else "",
        reported.at,
    )


# The parts of a statement that evidence_in reads. PostgreSQL cuts them out of the stored JSON,
# so a rebuild decodes a fraction of each statement instead of all of it.
STATEMENT_PARTS_SQL = (
    "jsonb_build_object('id', data->'id', 'actor', data->'actor', 'verb', data->'verb', "
    "'object', jsonb_build_object('id', data->'object'->'id'), 'result', data->'result', "
    "'context', jsonb_build_object('contextActivities', data->'context'->'contextActivities'), "
    "'timestamp', data->'timestamp')"
)


def _statement_parts(statements):
    if connection.vendor == "postgresql":
        parts = RawSQL(STATEMENT_PARTS_SQL, [], output_field=JSONField())  # noqa: S611 (constant)
        return statements.annotate(parts=parts)
    return statements.annotate(parts=F("data"))


@transaction.atomic
def rebuild(*, chunk: int = 20000) -> int:
    """Empty the reporting store and replay every statement in the order it was stored.
    One transaction: readers keep the old store until the new one is complete, and a rebuild
    that fails part way leaves the old store as it was."""
    Proficiency.objects.all().delete()
    Evidence.objects.all().delete()
    verbs = evidence_verbs()
    resolver = Resolver()
    pairs: set[tuple[int, int]] = set()
    written = 0
    last = 0
    while True:
        batch = list(
            _statement_parts(
                Statement.objects.filter(seq__gt=last, verb_id__in=verbs, voided=False)
            )
            .order_by("seq")
            .values_list("seq", "parts")[:chunk]
        )
        if not batch:
            break
        last = batch[-1][0]
        records = [r for _, data in batch for r in evidence_in(data)]
        resolver.prepare(records)
        rows = list(resolver.rows(records))
        _write(Evidence, EVIDENCE_COLUMNS, rows)
        pairs |= {(row.learner_id, row.competency_id) for row in rows}
        written += len(rows)
    proficiency_refresh(pairs, replacing=False)
    return written
