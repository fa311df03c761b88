"""The Python form of the evidence projection: the reference the SQL form must agree with.

It applies analytics.projection.rules (which statements are evidence of what) and
competencies.proficiency.reported_level (which evidence sets the level) statement by statement.
SQLite runs it for every batch and rebuild (analytics.projection.store); on PostgreSQL the
agreement tests replay the same statements through it and through the SQL.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

from analytics.models import Evidence, Proficiency
from analytics.projection.rules import (
    Record,
    evidence_in,
    evidence_verbs,
    trusted_kinds,
    voiding_removes,
)
from competencies.models import Competency
from competencies.proficiency import Evidence as EvidenceItem
from competencies.proficiency import Source, reported_level
from lms.bulk_insert import insert_rows
from xapi.models import LearnerIdentity, Statement
from xapi.vocab import VERB_VOIDED


def batch_parts(statements: Iterable[Statement]) -> tuple[list[Statement], list[Statement]]:
    """A stored batch as the projection reads it, in either form: the statements with an
    evidence verb, and the voiding statements."""
    statements = list(statements)
    voiders = [s for s in statements if s.verb_id == VERB_VOIDED and s.object_statement_id]
    verbs = set(evidence_verbs())
    return [s for s in statements if s.verb_id in verbs], voiders


def project_in_python(candidates: list[Statement], voiders: list[Statement]) -> int:
    """The Python form of store.project: `candidates` are the batch's statements with an
    evidence verb, `voiders` its voiding statements; returns the evidence rows changed."""
    affected: set[tuple[int, int]] = set()
    removed = 0
    if voiders:
        gone = Evidence.objects.filter(statement_id__in=_removed_by(voiders))
        affected |= set(gone.values_list("learner_id", "competency_id"))
        removed, _ = gone.delete()
    # The rows' voided flags are as they were built: a statement voided in the same batch, or
    # before it arrived, is found by its voiders.
    cancelled = _cancelled([(s.statement_id, s.client_number, s.verb_id) for s in candidates])
    records = [
        r
        for s in candidates
        if _uuid(s.statement_id) not in cancelled
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
    return len(rows) + removed


def _uuid(value) -> uuid.UUID:
    # Rows just built hold ids as the statement wrote them; rows read back hold UUIDs.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _removed_by(voiders: list[Statement]) -> list[uuid.UUID]:
    """The stored statements whose evidence these voiding statements take away."""
    targets = {
        statement_id: (client, verb)
        for statement_id, client, verb in Statement.objects.filter(
            statement_id__in=[_uuid(v.object_statement_id) for v in voiders]
        )
        .exclude(verb_id=VERB_VOIDED)
        .values_list("statement_id", "client_number", "verb_id")
    }
    removed = []
    for voider in voiders:
        target = _uuid(voider.object_statement_id)
        if target in targets and voiding_removes(
            voider_origin=voider.origin,
            voider_trusted=voider.trusted_evidence,
            voider_client=voider.client_number,
            target_client=targets[target][0],
            target_verb=targets[target][1],
        ):
            removed.append(target)
    return removed


def _cancelled(statements: list[tuple]) -> set[uuid.UUID]:
    """Of these (statement id, client number, verb), the statements whose evidence a stored
    voiding statement takes away."""
    about = {_uuid(statement_id): (client, verb) for statement_id, client, verb in statements}
    cancelled = set()
    for chunk in _chunks(list(about), 5000):
        for target, origin, trusted, client in Statement.objects.filter(
            verb_id=VERB_VOIDED, object_statement_id__in=chunk
        ).values_list("object_statement_id", "origin", "trusted_evidence", "client_number"):
            target_client, target_verb = about[target]
            if voiding_removes(
                voider_origin=origin,
                voider_trusted=trusted,
                voider_client=client,
                target_client=target_client,
                target_verb=target_verb,
            ):
                cancelled.add(target)
    return cancelled


def rebuild_in_python(*, chunk: int = 20000) -> int:
    """The rebuild's work after emptying the store, statement by statement in Python."""
    verbs = evidence_verbs()
    resolver = Resolver()
    pairs: set[tuple[int, int]] = set()
    written = 0
    last = 0
    while True:
        batch = list(
            Statement.objects.filter(seq__gt=last, verb_id__in=verbs)
            .order_by("seq")
            .values_list(
                "seq",
                "statement_id",
                "verb_id",
                "voided",
                "client_number",
                "data",
                "origin",
                "trusted_evidence",
            )[:chunk]
        )
        if not batch:
            break
        last = batch[-1][0]
        # Voided for xAPI reads, a statement is still evidence unless its voider could have
        # sent that evidence; the flag says which statements have voiders to look at.
        cancelled = _cancelled(
            [(row[1], row[4], row[2]) for row in batch if row[3]]  # id, client, verb if voided
        )
        records = [
            r
            for _, statement_id, _, _, _, data, origin, trusted in batch
            if statement_id not in cancelled
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
    insert_rows(model, columns, rows)


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
