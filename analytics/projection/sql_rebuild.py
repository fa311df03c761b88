"""Rebuilding the reporting store on PostgreSQL: new tables filled beside the old, then swapped in.

The whole statement stream is projected into empty copies of the two tables (same columns,
defaults and checks, no indexes), whose indexes are then built in one sorted pass each. The swap
drops the old tables and gives the new ones their names, and their indexes and keys theirs, so
the store ends exactly as it is defined, with ids that carry on from the old ones (readers see a
new evidence version). The store has no foreign-key constraints (analytics/models.py says why):
the swap touches no other table.

The work is SQL run by the database, so it goes as fast as the server processes doing it. With
no transaction open, slices of it run on several connections at once, each served by a process
on a core of its own (ANALYTICS_REBUILD_WORKERS). They share one snapshot of the statements,
taken once the store is locked against writes. Inside a caller's transaction, whose own
uncommitted statements no other connection can see, the same steps run one after another on the
caller's connection.

Until the swap the old store stays readable. Writes to it (statements stored meanwhile) wait,
and then go to the new store: PostgreSQL looks a waiting statement's table up again by name.
"""

import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from analytics.projection.sql import (
    EVIDENCE_TABLE,
    PROFICIENCY_TABLE,
    claim_parameters,
    insert_evidence,
    insert_proficiency,
    sources,
)

STORE_TABLES = (EVIDENCE_TABLE, PROFICIENCY_TABLE)
# Per-connection memory for the rebuild's sorts, hashes and index builds: the defaults (4 MB,
# 64 MB) spill millions of rows to disk. Server memory, given back as each step ends.
SETTINGS = {
    "work_mem": "256MB",
    "maintenance_work_mem": "512MB",
    # JIT compiling these few large statements costs seconds and saved none (measured).
    "jit": "off",
}
# Index builds run side by side already: PostgreSQL's own parallel workers for each would only
# compete with them for the same cores.
SIDE_BY_SIDE_SETTINGS = {**SETTINGS, "max_parallel_maintenance_workers": "0"}
# Slices of the statement stream per connection: enough that one slow slice does not leave
# the other connections idle at the end.
SLICES_PER_WORKER = 3
_INDEX = re.compile(r"^CREATE (UNIQUE )?INDEX (\S+) ON (\S+) (USING .+)$")


def staging_name(name: str) -> str:
    # Index names share one namespace with tables, and PostgreSQL cuts names at 63 bytes.
    return f"{name[:54]}_rebuild"


@dataclass
class Key:
    """A primary-key or unique constraint: built as an index, attached at the swap."""

    name: str
    kind: str  # "PRIMARY KEY" or "UNIQUE"
    index: str  # CREATE UNIQUE INDEX ... as PostgreSQL defines it
    timing: str  # "DEFERRABLE INITIALLY DEFERRED" and the like


@dataclass
class StoreTable:
    """One table of the store as it is defined, and its copy being filled."""

    name: str
    identity: str  # the id column, and the sequence it draws from
    sequence: str
    indexes: list[tuple[str, str]] = field(default_factory=list)  # (name, CREATE INDEX ...)
    keys: list[Key] = field(default_factory=list)

    @property
    def staging(self) -> str:
        return staging_name(self.name)

    def build_indexes(self) -> list[str]:
        """CREATE INDEX statements for the copy, under staging names, keys' indexes included."""
        definitions = [definition for _, definition in self.indexes]
        definitions += [key.index for key in self.keys]
        return [_on_copy(definition, self.name, self.staging) for definition in definitions]

    def swap_in(self, staging_sequence: str) -> list[str]:
        """After the old table is dropped: give the copy, its sequence, indexes and keys their
        names."""
        statements = [
            f"ALTER TABLE {self.staging} RENAME TO {self.name}",
            f"ALTER SEQUENCE {staging_sequence} RENAME TO {self.sequence}",
        ]
        statements += [
            f"ALTER INDEX {staging_name(name)} RENAME TO {name}" for name, _ in self.indexes
        ]
        statements += [
            f'ALTER TABLE {self.name} ADD CONSTRAINT "{key.name}" {key.kind} '
            f"USING INDEX {staging_name(key.name)} {key.timing}"
            for key in self.keys
        ]
        return statements


def _on_copy(definition: str, table: str, staging: str) -> str:
    match = _INDEX.match(definition)
    if match is None or match.group(3).rsplit(".", 1)[-1] != table:
        raise RuntimeError(f"Cannot rebuild an index defined as {definition!r}.")
    unique, name, _, rest = match.groups()
    return f"CREATE {unique or ''}INDEX {staging_name(name)} ON {staging} {rest}"


def describe(cursor, name: str) -> StoreTable:
    """The table's identity sequence, indexes and keys, as PostgreSQL defines them."""
    identity, sequence = _identity(cursor, name)
    table = StoreTable(name=name, identity=identity, sequence=sequence.rsplit(".", 1)[-1])
    cursor.execute(
        """
        SELECT conname, contype, pg_get_indexdef(conindid), condeferrable, condeferred
        FROM pg_constraint
        WHERE conrelid = %s::regclass AND contype <> 'c'  -- checks are copied with the columns
        ORDER BY conname
        """,
        [name],
    )
    for conname, kind, index, deferrable, deferred in cursor.fetchall():
        if kind == "f":
            raise RuntimeError(
                f"{name} has a foreign-key constraint ({conname}): swapping the table in would "
                "lock the table it refers to. Declare the key with db_constraint=False."
            )
        if kind not in ("p", "u"):
            raise RuntimeError(f"Cannot rebuild {name}'s constraint {conname} ({kind}).")
        timing = "DEFERRABLE" if deferrable else "NOT DEFERRABLE"
        timing += " INITIALLY DEFERRED" if deferred else ""
        kind = "PRIMARY KEY" if kind == "p" else "UNIQUE"
        table.keys.append(Key(conname, kind, index, timing))
    cursor.execute(
        """
        SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid)
        FROM pg_index
        WHERE indrelid = %s::regclass
          AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)
        ORDER BY 1
        """,
        [name, name],
    )
    table.indexes = cursor.fetchall()
    return table


def _identity(cursor, table: str) -> tuple[str, str]:
    cursor.execute(
        """
        SELECT attname, pg_get_serial_sequence(%s, attname) FROM pg_attribute
        WHERE attrelid = %s::regclass AND attidentity <> ''
        """,
        [table, table],
    )
    return cursor.fetchone()


# -- where the steps run ----------------------------------------------------------------------


Step = tuple[str, dict | list | None]


class OnThisConnection:
    """Every step on the caller's connection, inside its transaction, one after another."""

    workers = slices = 1

    def prepare(self, cursor) -> None:
        for name, value in SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])

    def setup(self, statements: Sequence[Step]) -> None:
        self.run(statements)

    def snapshot(self, cursor) -> str | None:
        return None

    def run(self, steps: Sequence[Step], snapshot: str | None = None) -> int:
        with connection.cursor() as cursor:
            return _execute(cursor, steps)


class SideBySide:
    """Steps on connections of their own, `workers` at a time, each step committed alone."""

    def __init__(self, workers: int):
        self.workers = workers
        self.slices = workers * SLICES_PER_WORKER

    def prepare(self, cursor) -> None:
        pass

    def setup(self, statements: Sequence[Step]) -> None:
        """Statements committed before the steps that need them start (other connections see
        only committed tables)."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(_own_connection, _in_one_transaction, statements, None).result()

    def snapshot(self, cursor) -> str:
        cursor.execute("SELECT pg_export_snapshot()")
        return cursor.fetchone()[0]

    def run(self, steps: Sequence[Step], snapshot: str | None = None) -> int:
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            futures = [
                pool.submit(_own_connection, _in_one_transaction, [step], snapshot)
                for step in steps
            ]
            try:
                return sum(future.result() for future in futures)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise


def _own_connection(work: Callable, *args):
    """Run `work` on this thread's own connection, closed afterwards."""
    try:
        return work(*args)
    finally:
        connection.close()


def _in_one_transaction(steps: Sequence[Step], snapshot: str | None) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        if snapshot:
            # Every slice reads the statements as the rebuild's own transaction saw them.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
        for name, value in SIDE_BY_SIDE_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        return _execute(cursor, steps)


def _execute(cursor, steps: Sequence[Step]) -> int:
    """Run the steps; returns the rows they wrote."""
    rows = 0
    for sql, params in steps:
        cursor.execute(sql, params)
        rows += max(cursor.rowcount, 0)
    return rows


# -- the rebuild ------------------------------------------------------------------------------


Report = Callable[[str, float], None]


def rebuild(*, workers: int | None = None, report: Report | None = None) -> int:
    """Refill the reporting store from every statement; returns the evidence rows written.
    A rebuild that fails leaves the old store as it was. `report` is told each stage's
    seconds as it ends."""
    workers = workers or settings.ANALYTICS_REBUILD_WORKERS
    report = report or (lambda stage, seconds: None)
    if connection.in_atomic_block or workers < 2:
        with transaction.atomic():
            return _rebuild(OnThisConnection(), report)
    try:
        with transaction.atomic():
            return _rebuild(SideBySide(workers), report)
    except BaseException:
        # The copies were committed by their own connections: drop them, under the store's
        # lock, so as not to take the copies of another rebuild that started meanwhile.
        SideBySide(1).setup(
            [(f"LOCK TABLE {', '.join(STORE_TABLES)} IN EXCLUSIVE MODE", None)]
            + [(f"DROP TABLE IF EXISTS {staging_name(name)}", None) for name in STORE_TABLES]
        )
        raise


@contextmanager
def _stage(report: Report, name: str):
    began = time.monotonic()
    yield
    report(name, time.monotonic() - began)


def _rebuild(runner, report: Report) -> int:
    with _stage(report, "lock the store and create its copies"), connection.cursor() as cursor:
        # Readers carry on; writers wait until the swap.
        cursor.execute(f"LOCK TABLE {', '.join(STORE_TABLES)} IN EXCLUSIVE MODE")
        tables = [describe(cursor, name) for name in STORE_TABLES]
        runner.prepare(cursor)
        runner.setup(_create_copies(cursor, tables))
        snapshot = runner.snapshot(cursor)
        cursor.execute("SELECT min(seq), max(seq) FROM xapi_statement")
        first, last = cursor.fetchone()

    evidence, proficiency = tables
    with _stage(report, "evidence"):
        steps = _evidence_steps(evidence.staging, first, last, runner.slices)
        written = runner.run(steps, snapshot)
    with _stage(report, "levels"):
        runner.run(_proficiency_steps(proficiency.staging, evidence.staging, runner.workers))
    with _stage(report, "statistics"):
        runner.run([(f"ANALYZE {table.staging}", None) for table in tables])
    with _stage(report, "indexes"):
        runner.run([(sql, None) for table in tables for sql in table.build_indexes()])

    with _stage(report, "swap"), connection.cursor() as cursor:
        # Readers of the old store finish first; later ones read the new one.
        cursor.execute(f"DROP TABLE {', '.join(STORE_TABLES)}")
        sequences = [_identity(cursor, table.staging)[1] for table in tables]
        for table, sequence in zip(tables, sequences, strict=True):
            for sql in table.swap_in(sequence):
                cursor.execute(sql)
    return written


def _create_copies(cursor, tables: list[StoreTable]) -> list[Step]:
    statements: list[Step] = []
    for table in tables:
        # The copy's ids carry on from the old table's, so the evidence version changes.
        cursor.execute(f"SELECT last_value + 1 FROM {table.sequence}")  # noqa: S608 (a catalog name)
        (next_id,) = cursor.fetchone()
        statements += [
            (f"DROP TABLE IF EXISTS {table.staging}", None),
            (
                f"CREATE TABLE {table.staging} (LIKE {table.name} INCLUDING ALL EXCLUDING INDEXES)",
                None,
            ),
            (
                f"ALTER TABLE {table.staging} ALTER COLUMN {table.identity} "
                f"RESTART WITH {int(next_id)}",
                None,
            ),
        ]
    return statements


def _evidence_steps(table: str, first: int | None, last: int | None, slices: int) -> list[Step]:
    parameters = claim_parameters()
    if first is None or slices == 1:
        return [(insert_evidence(table, "TRUE"), parameters)]
    # Equal ranges of the statement sequence: statements of every kind are spread along it.
    width = -(-(last - first + 1) // slices)
    return [
        (
            insert_evidence(table, "s.seq >= %(low)s AND s.seq < %(high)s"),
            {**parameters, "low": low, "high": low + width},
        )
        for low in range(first, last + 1, width)
    ]


def _proficiency_steps(table: str, evidence: str, slices: int) -> list[Step]:
    # One slice per connection: each reads the whole of the new evidence once.
    parameters = sources()
    if slices == 1:
        return [(insert_proficiency(table, evidence, "TRUE"), parameters)]
    # Every pair of a person in one slice: their levels need all their evidence together.
    scope = "learner_id %% %(slices)s = %(slice)s"
    return [
        (
            insert_proficiency(table, evidence, scope),
            {**parameters, "slices": slices, "slice": part},
        )
        for part in range(slices)
    ]
