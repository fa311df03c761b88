"""The evidence projection: stored statements in, evidence of proficiency out.

`project` writes what a batch of newly stored statements means for the reporting store;
`rebuild` replays the whole statement stream from nothing. Both apply the rules of
analytics.evidence_rules and competencies.proficiency, so they give the same result.

On PostgreSQL both run as SQL inside the database (analytics/projection_sql.py and
analytics/rebuild_sql.py): a rebuild then never carries millions of statements through
Python. Elsewhere (SQLite, the embedded default) the Python functions below do the same work.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

from django.db import connection, transaction

from analytics import projection_sql, rebuild_sql
from analytics.evidence_rules import (
    Record,
    evidence_in,
    evidence_verbs,
    pseudonym_in,
    trusted_kinds,
)
from analytics.models import Evidence, Proficiency
from competencies.models import Competency
from competencies.proficiency import Evidence as EvidenceItem
from competencies.proficiency import Source, reported_level
from xapi.models import LearnerIdentity, Statement
from xapi.vocab import VERB_VOIDED

__all__ = ["evidence_verbs", "project", "rebuild"]


def _in_database() -> bool:
    return connection.vendor == "postgresql"


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
    verbs = set(evidence_verbs())
    candidates = [s for s in statements if s.verb_id in verbs]
    if _in_database():
        names = sorted({name for s in candidates if (name := pseudonym_in(s.data))})
        return projection_sql.project(seqs=[s.pk for s in candidates], names=names, voided=voided)
    return project_in_python(candidates, voided)


def project_in_python(candidates: list[Statement], voided: list[str]) -> int:
    affected: set[tuple[int, int]] = set()
    if voided:
        gone = Evidence.objects.filter(statement_id__in=voided)
        affected |= set(gone.values_list("learner_id", "competency_id"))
        gone.delete()
    records = [
        r
        for s in candidates
        if not s.voided
        for r in evidence_in(s.data, trusted=trusted_kinds(s.origin, s.trusted_evidence))
    ]
    resolver = Resolver()
    resolver.prepare(records)
    rows = list(resolver.rows(records))
    _write(Evidence, EVIDENCE_COLUMNS, rows)
    affected |= {(row.learner_id, row.competency_id) for row in rows}
    if affected:
        proficiency_refresh_in_python(affected)
    # Nothing else is written: a shared "last seen" row would make every concurrent write of
    # statements queue on one lock. Readers tell that evidence changed from the data itself.
    return len(rows) + len(voided)


def rebuild(*, chunk: int = 20000, report: rebuild_sql.Report | None = None) -> int:
    """Empty the reporting store and replay every statement; returns the evidence rows written.
    A rebuild that fails part way leaves the old store as it was. On PostgreSQL, `report` is
    told how long each stage took."""
    if _in_database():
        return rebuild_sql.rebuild(report=report)
    with transaction.atomic():
        Proficiency.objects.all().delete()
        Evidence.objects.all().delete()
        return rebuild_in_python(chunk=chunk)


def rebuild_in_python(*, chunk: int = 20000) -> int:
    """The rebuild's work after emptying the store, statement by statement in Python."""
    verbs = evidence_verbs()
    resolver = Resolver()
    pairs: set[tuple[int, int]] = set()
    written = 0
    last = 0
    while True:
        batch = list(
            Statement.objects.filter(seq__gt=last, verb_id__in=verbs, voided=False)
            .order_by("seq")
            .values_list("seq", "data", "origin", "trusted_evidence")[:chunk]
        )
        if not batch:
            break
        last = batch[-1][0]
        records = [
            r
            for _, data, origin, trusted in batch
            for r in evidence_in(data, trusted=trusted_kinds(origin, trusted))
        ]
        resolver.prepare(records)
        rows = list(resolver.rows(records))
        _write(Evidence, EVIDENCE_COLUMNS, rows)
        pairs |= {(row.learner_id, row.competency_id) for row in rows}
        written += len(rows)
    proficiency_refresh_in_python(pairs, replacing=False)
    return written


def proficiency_refresh_in_python(pairs: set[tuple[int, int]], *, replacing: bool = True) -> None:
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


class Resolver:
    """Maps pseudonyms and competency UUIDs to rows, caching what it has seen."""

    def __init__(self):
        self.learners: dict[str, int | None] = {}
        self.competencies: dict[str, int | None] = {}

    def prepare(self, records: list[Record]) -> None:
        names = sorted({r.account_name for r in records} - set(self.learners))
        for chunk in _chunks(names, 5000):
            found = dict(
                LearnerIdentity.objects.filter(
                    account_name__in=[uuid.UUID(n) for n in chunk]
                ).values_list("account_name", "pk")
            )
            for name in chunk:
                self.learners[name] = found.get(uuid.UUID(name))
        wanted = sorted({r.competency_uuid for r in records} - set(self.competencies))
        if wanted:
            found = dict(
                Competency.objects.filter(uuid__in=[uuid.UUID(u) for u in wanted]).values_list(
                    "uuid", "pk"
                )
            )
            for stable in wanted:
                self.competencies[stable] = found.get(uuid.UUID(stable))

    def rows(self, records: Iterable[Record]) -> Iterator["EvidenceRow"]:
        for record in records:
            learner = self.learners.get(record.account_name)
            competency = self.competencies.get(record.competency_uuid)
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
    model.objects.bulk_create(
        (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=5000
    )


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
