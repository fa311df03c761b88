"""The evidence projection on PostgreSQL, as SQL run inside the database.

The rules are those of analytics.projection.rules (which statements are evidence of what) and
competencies.proficiency.reported_level (which evidence sets the level), stated over the stored
jsonb. An incremental update is two INSERT ... SELECT statements limited to a batch, and a
rebuild (analytics/projection/sql_rebuild.py) runs the same statements over slices of the
whole stream, instead of carrying millions of rows to Python and back. The Python form
(analytics/projection/reference.py) is the reference: where they differ, this is wrong.
tests/analytics/projection/test_python_and_sql_agree.py runs both on the same statements.
"""

import json

from django.conf import settings
from django.db import connection

from analytics.projection.rules import LEVEL_LIMIT, TRUST_NEEDED, competency_iri_prefix
from competencies.proficiency import Source
from xapi.models.statements import StatementOrigin
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


def voiding_removes(voider: str, target: str) -> str:
    """SQL: whether the voiding statement `voider` takes away the evidence of the statement
    `target` it voids (analytics.projection.rules.voiding_removes), both tables' aliases."""
    return f"""(
    {target}.verb_id NOT IN (%(validated)s, %(passed)s)
    OR {voider}.origin = %(platform)s
    OR {voider}.client_number = {target}.client_number
    OR ({target}.verb_id = %(validated)s
        AND {voider}.trusted_evidence @> %(trust_validation)s::jsonb)
    OR ({target}.verb_id = %(passed)s AND {voider}.trusted_evidence @> %(trust_check)s::jsonb)
)"""


# Every claim a statement makes: (statement, time, pseudonym, competency IRI, level, source),
# one simple scan per kind. Validations and level-bearing check passes claim an authority:
# they count from the platform, or from a client trusted for them when it stored them. A
# voided statement still counts unless a voiding statement that could remove it voided it
# (the voided flag comes first: the search for its voiders is made for voided statements only).
# `{scope}` limits the statements read and `{learners}` the people joined (everything for a
# rebuild, a batch otherwise). Pseudonyms and competency UUIDs are
# matched as text against the canonical text of the stored UUIDs, which is both the rule
# (identifiers compared as written) and far cheaper than testing each one with a pattern.
_EVIDENCE_SELECT = """
WITH stream AS NOT MATERIALIZED (
    SELECT s.statement_id, s.timestamp AS occurred_at, s.verb_id, s.data, s.origin,
           s.trusted_evidence
    FROM xapi_statement s
    WHERE {scope}
      AND s.data->'actor'->'account'->>'homePage' = %(home_page)s
      AND (NOT s.voided OR NOT EXISTS (
          SELECT 1 FROM xapi_statement v
          WHERE v.object_statement_id = s.statement_id AND v.verb_id = %(voided)s
            AND {removes}
      ))
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
    FROM stream
    WHERE verb_id = %(validated)s
      AND (origin = %(platform)s OR trusted_evidence @> %(trust_validation)s::jsonb)
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
      AND (origin = %(platform)s OR trusted_evidence @> %(trust_check)s::jsonb)
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
_INSERT_EVIDENCE = "INSERT INTO {table} (" + EVIDENCE_COLUMNS + ") " + _EVIDENCE_SELECT

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
        FROM {evidence}
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
_INSERT_PROFICIENCY = "INSERT INTO {table} (" + PROFICIENCY_COLUMNS + ") " + _PROFICIENCY_SELECT

# The evidence a batch of voiding statements (`voiders`, by seq) takes away.
_DELETE_VOIDED = f"""
DELETE FROM analytics_evidence e
USING xapi_statement v, xapi_statement t
WHERE v.seq = ANY(%(voiders)s) AND t.statement_id = v.object_statement_id
  AND t.verb_id <> %(voided)s AND e.statement_id = t.statement_id
  AND {voiding_removes("v", "t")}
RETURNING e.learner_id, e.competency_id
"""  # noqa: S608 (constants)

_PAIRS = (
    "(learner_id, competency_id) IN "
    "(SELECT * FROM unnest(%(learners)s::bigint[], %(competencies)s::bigint[]))"
)
_DELETE_PAIRS = "DELETE FROM analytics_proficiency WHERE " + _PAIRS  # noqa: S608 (constants)


def sources() -> dict:
    return {
        "self": Source.SELF.value,
        "validation": Source.VALIDATION.value,
        "check": Source.CHECK.value,
        "completion": Source.COMPLETION.value,
    }


def claim_parameters() -> dict:
    prefix = competency_iri_prefix()
    return {
        **sources(),
        "home_page": settings.SITE_URL,
        "answered": VERB_ANSWERED,
        "validated": verb_validated(),
        "passed": VERB_PASSED,
        "completed": VERB_COMPLETED,
        "voided": VERB_VOIDED,
        "level_key": extension_level_claimed(),
        "levels_key": extension_levels_claimed(),
        "self_category": json.dumps([{"id": category_self_assessment()}]),
        "level_limit": LEVEL_LIMIT,
        "platform": StatementOrigin.PLATFORM.value,
        "trust_validation": json.dumps([TRUST_NEEDED[Source.VALIDATION]]),
        "trust_check": json.dumps([TRUST_NEEDED[Source.CHECK]]),
        "prefix": prefix,
        "prefix_length": len(prefix),
    }


EVIDENCE_TABLE = "analytics_evidence"
PROFICIENCY_TABLE = "analytics_proficiency"


def insert_evidence(table: str, scope: str) -> str:
    """INSERT ... SELECT of the evidence in the statements `scope` selects (SQL over `s`, the
    statement table) into `table`; parameters from claim_parameters()."""
    return _insert_evidence(table, scope, "TRUE")


def _insert_evidence(table: str, scope: str, learners: str) -> str:
    return _INSERT_EVIDENCE.format(
        table=table, scope=scope, learners=learners, removes=voiding_removes("v", "s")
    )


def insert_proficiency(table: str, evidence: str, scope: str) -> str:
    """INSERT ... SELECT of the levels of the pairs whose evidence in `evidence` matches
    `scope`, into `table`; parameters from sources()."""
    return _INSERT_PROFICIENCY.format(table=table, evidence=evidence, scope=scope)


def project(*, seqs: list[int], names: list[str], voiders: list[int]) -> int:
    """The incremental update for one stored batch: drop the evidence its voiding statements
    (`voiders`) take away, add the new statements' (`seqs`, whose actors' pseudonyms are
    `names`), and recompute the levels of every pair either touched; returns the evidence rows
    removed and added."""
    affected: set[tuple[int, int]] = set()
    changed = 0
    with connection.cursor() as cursor:
        if voiders:
            cursor.execute(_DELETE_VOIDED, {**claim_parameters(), "voiders": voiders})
            removed = cursor.fetchall()
            affected |= set(removed)
            changed += len(removed)
        if seqs and names:
            # The batch's people are looked up by index first: matching a handful of
            # statements must not read every pseudonym.
            sql = _insert_evidence(
                EVIDENCE_TABLE,
                scope="s.seq = ANY(%(seqs)s)",
                learners="li.account_name = ANY(%(names)s::uuid[])",
            )
            cursor.execute(
                sql + " RETURNING learner_id, competency_id",
                {**claim_parameters(), "seqs": seqs, "names": names},
            )
            rows = cursor.fetchall()
            affected |= set(rows)
            changed += len(rows)
    if affected:
        refresh_proficiency(affected)
    return changed


def refresh_proficiency(pairs: set[tuple[int, int]]) -> None:
    """Recompute the levels of these (learner, competency) pairs from their evidence."""
    ordered = sorted(pairs)
    keys = {
        "learners": [learner for learner, _ in ordered],
        "competencies": [competency for _, competency in ordered],
    }
    with connection.cursor() as cursor:
        cursor.execute(_DELETE_PAIRS, keys)
        cursor.execute(
            insert_proficiency(PROFICIENCY_TABLE, EVIDENCE_TABLE, _PAIRS), {**sources(), **keys}
        )
