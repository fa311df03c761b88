"""The evidence projection on PostgreSQL, as SQL run inside the database.

The rules are those of analytics.evidence_rules (which statements are evidence of what) and
competencies.proficiency.reported_level (which evidence sets the level), stated over the stored
jsonb. A rebuild is then two INSERT ... SELECT statements instead of millions of rows carried
to Python and back, and an incremental update is the same statements limited to a batch.
tests/analytics/test_projection_rules.py runs both forms on the same statements.
"""

import json

from django.conf import settings
from django.db import connection

from analytics.evidence_rules import LEVEL_LIMIT, competency_iri_prefix
from competencies.proficiency import Source
from xapi.vocab import (
    VERB_ANSWERED,
    VERB_COMPLETED,
    VERB_PASSED,
    category_self_assessment,
    extension_level_claimed,
    extension_levels_claimed,
    verb_validated,
)

# Every claim a statement makes: (statement, time, pseudonym, competency IRI, level, source),
# one simple scan per kind. `{scope}` limits the statements read and `{learners}` the people
# joined (everything for a rebuild, a batch otherwise). Pseudonyms and competency UUIDs are
# matched as text against the canonical text of the stored UUIDs, which is both the rule
# (identifiers compared as written) and far cheaper than testing each one with a pattern.
_EVIDENCE_SELECT = """
WITH stream AS NOT MATERIALIZED (
    SELECT s.statement_id, s.timestamp AS occurred_at, s.verb_id, s.data
    FROM xapi_statement s
    WHERE {scope} AND NOT s.voided
      AND s.data->'actor'->'account'->>'homePage' = %(home_page)s
),
claims AS (
    SELECT statement_id, occurred_at, data, data->'object'->>'id' AS iri,
           data->'result'->'extensions'->%(level_key)s AS claimed, %(self)s AS source
    FROM stream
    WHERE verb_id = %(answered)s
      AND data->'context'->'contextActivities'->'category' @> %(self_category)s::jsonb
  UNION ALL
    SELECT statement_id, occurred_at, data, data->'object'->>'id',
           data->'result'->'extensions'->%(level_key)s, %(validation)s
    FROM stream WHERE verb_id = %(validated)s
  UNION ALL
    SELECT statement_id, occurred_at, data, other->>'id',
           data->'result'->'extensions'->%(level_key)s, %(check)s
    FROM stream
    CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(data->'context'->'contextActivities'->'other') = 'array'
             THEN data->'context'->'contextActivities'->'other' ELSE '[]'::jsonb END
    ) AS other
    WHERE verb_id = %(passed)s
      AND coalesce(data->'result'->'success', 'true'::jsonb) NOT IN ('false', 'null')
  UNION ALL
    SELECT statement_id, occurred_at, data, completed.key, completed.value, %(completion)s
    FROM stream
    CROSS JOIN LATERAL jsonb_each(
        CASE WHEN jsonb_typeof(data->'result'->'extensions'->%(levels_key)s) = 'object'
             THEN data->'result'->'extensions'->%(levels_key)s ELSE '{{}}'::jsonb END
    ) AS completed
    WHERE verb_id = %(completed)s
),
checked AS (
    SELECT statement_id, occurred_at, source, data->'actor'->'account'->>'name' AS learner,
           CASE WHEN left(iri, %(prefix_length)s) = %(prefix)s
                THEN substr(iri, %(prefix_length)s + 1) END AS competency,
           CASE WHEN jsonb_typeof(claimed) = 'number' AND scale(claimed::numeric) = 0
                 AND claimed::numeric BETWEEN 0 AND %(level_limit)s
                THEN claimed::numeric::smallint END AS level
    FROM claims
)
SELECT li.id, c.id, checked.level, checked.source, checked.occurred_at, checked.statement_id
FROM checked
JOIN xapi_learneridentity li ON li.account_name::text = checked.learner
JOIN competencies_competency c ON c.uuid::text = checked.competency
-- "I don't know" is a self-assessment without a level; every other source needs one.
WHERE {learners} AND (checked.level IS NOT NULL OR checked.source = %(self)s)
"""
EVIDENCE_COLUMNS = "learner_id, competency_id, level, source, occurred_at, statement_id"
_INSERT_EVIDENCE = f"INSERT INTO analytics_evidence ({EVIDENCE_COLUMNS}) {_EVIDENCE_SELECT}"

# The reported level of each (learner, competency) in `{scope}`, by reported_level's rule:
# the assessed level (the latest validation unless a check was passed after it, else the
# highest check), then the highest completion, then the latest self-assessment. Ties in time
# go to the higher level, as in the Python rule.
#
# One pass of plain aggregates: "the level of the latest" and "the time of the highest" are
# max() over two-element arrays, compared element by element: [time, level] or [level, time],
# time in microseconds since 1970 (bigint holds every timestamp a statement can carry) and
# "I don't know" as -1. Microseconds go back to a timestamp as whole seconds plus a remainder,
# both exact.
_PROFICIENCY_SELECT = """
WITH grouped AS (
    SELECT learner_id, competency_id,
        max(ARRAY[micros, level]) FILTER (WHERE source = %(validation)s) AS validation,
        max(micros) FILTER (WHERE source = %(check)s) AS last_check,
        max(ARRAY[level, micros]) FILTER (WHERE source = %(check)s) AS best_check,
        max(ARRAY[level, micros]) FILTER (WHERE source = %(completion)s) AS best_completion,
        max(ARRAY[micros, coalesce(level, -1)]) FILTER (WHERE source = %(self)s) AS self
    FROM (
        SELECT learner_id, competency_id, source, level::bigint AS level,
               (extract(epoch FROM occurred_at) * 1000000)::bigint AS micros
        FROM analytics_evidence
        WHERE {scope}
    ) AS evidence
    GROUP BY learner_id, competency_id
),
assessed AS (
    SELECT learner_id, competency_id, best_completion, self,
        CASE WHEN validation IS NOT NULL AND (last_check IS NULL OR validation[1] >= last_check)
             THEN ARRAY[validation[2], validation[1]] ELSE best_check END AS assessed,
        validation IS NOT NULL AND (last_check IS NULL OR validation[1] >= last_check)
            AS by_validation
    FROM grouped
),
reported AS (
    SELECT learner_id, competency_id, by_validation,
        assessed[1]::smallint AS assessed_level, assessed[2] AS assessed_at,
        best_completion[1]::smallint AS completion_level, best_completion[2] AS completion_at,
        nullif(self[2], -1)::smallint AS self_level, self[1] AS self_at
    FROM assessed
),
chosen AS (
    SELECT *,
        CASE WHEN assessed_level IS NOT NULL THEN assessed_at
             WHEN completion_level IS NOT NULL THEN completion_at
             WHEN self_level IS NOT NULL THEN self_at END AS micros
    FROM reported
)
SELECT learner_id, competency_id, assessed_level, completion_level, self_level,
    coalesce(assessed_level, completion_level, self_level),
    CASE WHEN assessed_level IS NOT NULL AND by_validation THEN %(validation)s
         WHEN assessed_level IS NOT NULL THEN %(check)s
         WHEN completion_level IS NOT NULL THEN %(completion)s
         WHEN self_level IS NOT NULL THEN %(self)s
         ELSE '' END,
    'epoch'::timestamptz + (micros / 1000000) * interval '1 second'
        + (micros %% 1000000) * interval '1 microsecond'
FROM chosen
"""
PROFICIENCY_COLUMNS = (
    "learner_id, competency_id, assessed_level, completion_level, self_level, level, source, "
    "evidence_at"
)
_INSERT_PROFICIENCY = (
    f"INSERT INTO analytics_proficiency ({PROFICIENCY_COLUMNS}) {_PROFICIENCY_SELECT}"
)

_PAIRS = (
    "(learner_id, competency_id) IN "
    "(SELECT * FROM unnest(%(learners)s::bigint[], %(competencies)s::bigint[]))"
)
_DELETE_PAIRS = "DELETE FROM analytics_proficiency WHERE " + _PAIRS  # noqa: S608 (constants)


def _sources() -> dict:
    return {
        "self": Source.SELF.value,
        "validation": Source.VALIDATION.value,
        "check": Source.CHECK.value,
        "completion": Source.COMPLETION.value,
    }


def _claim_parameters() -> dict:
    prefix = competency_iri_prefix()
    return {
        **_sources(),
        "home_page": settings.SITE_URL,
        "answered": VERB_ANSWERED,
        "validated": verb_validated(),
        "passed": VERB_PASSED,
        "completed": VERB_COMPLETED,
        "level_key": extension_level_claimed(),
        "levels_key": extension_levels_claimed(),
        "self_category": json.dumps([{"id": category_self_assessment()}]),
        "level_limit": LEVEL_LIMIT,
        "prefix": prefix,
        "prefix_length": len(prefix),
    }


STORE_TABLES = ("analytics_evidence", "analytics_proficiency")
# Per-transaction memory for a rebuild's sorts, hashes and index builds: the defaults (4 MB,
# 64 MB) spill millions of rows to disk. Server memory, released when the rebuild commits.
REBUILD_WORK_MEM = "256MB"
REBUILD_MAINTENANCE_WORK_MEM = "512MB"


def rebuild() -> int:
    """Refill the reporting store from every statement; returns the evidence rows written.

    Runs in the caller's transaction and locks both tables for its duration (statements
    stored meanwhile wait, then are projected once, after it). Loading into tables without
    their indexes and constraints, then building those in one sorted pass each, is
    several times faster than maintaining them row by row; the store is emptied with TRUNCATE,
    which leaves no dead rows behind, and ids carry on from where they were, so readers see a
    new evidence version."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {', '.join(STORE_TABLES)} IN ACCESS EXCLUSIVE MODE")
        # TRUNCATE refuses while rows written earlier in this transaction still await their
        # deferred foreign-key checks: run them now (Django makes every key deferrable,
        # initially deferred, which is restored at the end).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(STORE_TABLES)}")
        cursor.execute("SELECT set_config('work_mem', %s, true)", [REBUILD_WORK_MEM])
        cursor.execute(
            "SELECT set_config('maintenance_work_mem', %s, true)", [REBUILD_MAINTENANCE_WORK_MEM]
        )
        # JIT compiling these few large statements costs seconds and saved none (measured).
        cursor.execute("SELECT set_config('jit', 'off', true)")
        recreate = _drop_indexes_and_constraints(cursor)
        cursor.execute(_INSERT_EVIDENCE.format(scope="TRUE", learners="TRUE"), _claim_parameters())
        written = cursor.rowcount
    refresh_proficiency(None)
    with connection.cursor() as cursor:
        for statement in recreate:
            cursor.execute(statement)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return written


def _drop_indexes_and_constraints(cursor) -> list[str]:
    """Drop the store's indexes and its primary-key, unique and foreign-key constraints;
    returns the statements that recreate them exactly as they were, names included."""
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint
        WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('p', 'u', 'f')
        ORDER BY contype DESC, conname
        """,
        [list(STORE_TABLES)],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid)
        FROM pg_index
        WHERE indrelid = ANY(%s::regclass[])
          AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE contype IN ('p', 'u'))
        ORDER BY 1
        """,
        [list(STORE_TABLES)],
    )
    indexes = cursor.fetchall()
    for table, name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    # Indexes first: primary keys and unique constraints build their own, and foreign keys
    # are checked last, each in one pass over the new rows.
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in sorted(constraints, key=lambda c: " FOREIGN" in c[2])
    ]


def project(*, seqs: list[int], names: list[str], voided: list[str]) -> int:
    """The incremental update for one stored batch: drop voided statements' evidence, add the
    new statements' (`seqs`, whose actors' pseudonyms are `names`), and recompute the levels
    of every pair either touched."""
    affected: set[tuple[int, int]] = set()
    changed = 0
    with connection.cursor() as cursor:
        if voided:
            cursor.execute(
                "DELETE FROM analytics_evidence WHERE statement_id = ANY(%s::uuid[]) "
                "RETURNING learner_id, competency_id",
                [voided],
            )
            affected |= set(cursor.fetchall())
            changed += len(voided)
        if seqs and names:
            # The batch's people are looked up by index first: matching a handful of
            # statements must not read every pseudonym.
            sql = _INSERT_EVIDENCE.format(
                scope="s.seq = ANY(%(seqs)s)", learners="li.account_name = ANY(%(names)s::uuid[])"
            )
            cursor.execute(
                sql + " RETURNING learner_id, competency_id",
                {**_claim_parameters(), "seqs": seqs, "names": names},
            )
            rows = cursor.fetchall()
            affected |= set(rows)
            changed += len(rows)
    if affected:
        refresh_proficiency(affected)
    return changed


def refresh_proficiency(pairs: set[tuple[int, int]] | None) -> None:
    """Recompute the levels of these (learner, competency) pairs from their evidence; None
    means every pair, into a table a rebuild has just emptied."""
    with connection.cursor() as cursor:
        if pairs is None:
            cursor.execute(_INSERT_PROFICIENCY.format(scope="TRUE"), _sources())
            return
        ordered = sorted(pairs)
        keys = {
            "learners": [learner for learner, _ in ordered],
            "competencies": [competency for _, competency in ordered],
        }
        cursor.execute(_DELETE_PAIRS, keys)
        cursor.execute(_INSERT_PROFICIENCY.format(scope=_PAIRS), {**_sources(), **keys})
