"""The evidence projection on PostgreSQL, as SQL run inside the database.

The rules are those of analytics.evidence_rules (which statements are evidence of what) and
competencies.proficiency.reported_level (which evidence sets the level), stated over the stored
jsonb. A rebuild is then two INSERT ... SELECT statements instead of millions of rows carried
to Python and back, and an incremental update is the same statements limited to a batch.
tests/analytics/test_projection_rules.py runs both forms on the same statements.
"""

from django.conf import settings
from django.db import connection

from analytics.evidence_rules import (
    CANONICAL_UUID,
    LEVEL_LIMIT,
    competency_iri_prefix,
    evidence_verbs,
)
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

# Every claim a statement makes: (statement, time, pseudonym, competency IRI, level, source).
# `{scope}` limits the statements read (all of them for a rebuild, a batch otherwise).
_CLAIMS = """
WITH stream AS (
    SELECT s.statement_id, s.timestamp AS occurred_at, s.verb_id, s.data,
           s.data->'actor'->'account'->>'name' AS account_name
    FROM xapi_statement s
    WHERE {scope} AND NOT s.voided AND s.verb_id = ANY(%(verbs)s)
      AND s.data->'actor'->'account'->>'homePage' = %(home_page)s
),
claims AS (
    SELECT statement_id, occurred_at, account_name, data->'object'->>'id' AS iri,
           data->'result'->'extensions'->%(level_key)s AS claimed, %(self)s AS source
    FROM stream
    WHERE verb_id = %(answered)s
      AND data->'context'->'contextActivities'->'category' @> %(self_category)s::jsonb
  UNION ALL
    SELECT statement_id, occurred_at, account_name, data->'object'->>'id',
           data->'result'->'extensions'->%(level_key)s, %(validation)s
    FROM stream WHERE verb_id = %(validated)s
  UNION ALL
    SELECT statement_id, occurred_at, account_name, other->>'id',
           data->'result'->'extensions'->%(level_key)s, %(check)s
    FROM stream
    CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(data->'context'->'contextActivities'->'other') = 'array'
             THEN data->'context'->'contextActivities'->'other' ELSE '[]'::jsonb END
    ) AS other
    WHERE verb_id = %(passed)s
      AND coalesce(data->'result'->'success', 'true'::jsonb) NOT IN ('false', 'null')
  UNION ALL
    SELECT statement_id, occurred_at, account_name, claimed.key, claimed.value, %(completion)s
    FROM stream
    CROSS JOIN LATERAL jsonb_each(
        CASE WHEN jsonb_typeof(data->'result'->'extensions'->%(levels_key)s) = 'object'
             THEN data->'result'->'extensions'->%(levels_key)s ELSE '{{}}'::jsonb END
    ) AS claimed
    WHERE verb_id = %(completed)s
),
checked AS (
    SELECT statement_id, occurred_at, source,
           CASE WHEN jsonb_typeof(claimed) = 'number' AND claimed::text ~ '^[0-9]{{1,4}}$'
                 AND claimed::text::int <= %(level_limit)s
                THEN claimed::text::smallint END AS level,
           CASE WHEN account_name ~ %(uuid_pattern)s THEN account_name::uuid END AS learner,
           CASE WHEN left(iri, %(prefix_length)s) = %(prefix)s
                 AND substr(iri, %(prefix_length)s + 1) ~ %(uuid_pattern)s
                THEN substr(iri, %(prefix_length)s + 1)::uuid END AS competency
    FROM claims
)
INSERT INTO analytics_evidence (learner_id, competency_id, level, source, occurred_at, statement_id)
SELECT li.id, c.id, checked.level, checked.source, checked.occurred_at, checked.statement_id
FROM checked
JOIN xapi_learneridentity li ON li.account_name = checked.learner
JOIN competencies_competency c ON c.uuid = checked.competency
-- "I don't know" is a self-assessment without a level; every other source needs one.
WHERE checked.level IS NOT NULL OR checked.source = %(self)s
"""

# The reported level of each (learner, competency) in `{scope}`, by reported_level's rule:
# the assessed level (the latest validation unless a check was passed after it, else the
# highest check), then the highest completion, then the latest self-assessment. Ties in time
# go to the higher level, as in the Python rule.
_PROFICIENCY = """
WITH grouped AS (
    SELECT learner_id, competency_id,
        (array_agg(level ORDER BY occurred_at DESC, level DESC)
            FILTER (WHERE source = %(validation)s))[1] AS validation_level,
        max(occurred_at) FILTER (WHERE source = %(validation)s) AS validation_at,
        max(occurred_at) FILTER (WHERE source = %(check)s) AS last_check_at,
        max(level) FILTER (WHERE source = %(check)s) AS check_level,
        (array_agg(occurred_at ORDER BY level DESC, occurred_at DESC)
            FILTER (WHERE source = %(check)s))[1] AS check_at,
        max(level) FILTER (WHERE source = %(completion)s) AS completion_level,
        (array_agg(occurred_at ORDER BY level DESC, occurred_at DESC)
            FILTER (WHERE source = %(completion)s))[1] AS completion_at,
        (array_agg(level ORDER BY occurred_at DESC, level DESC NULLS LAST)
            FILTER (WHERE source = %(self)s))[1] AS self_level,
        max(occurred_at) FILTER (WHERE source = %(self)s) AS self_at
    FROM analytics_evidence
    WHERE {scope}
    GROUP BY learner_id, competency_id
),
assessed AS (
    SELECT *,
        validation_level IS NOT NULL
            AND (last_check_at IS NULL OR validation_at >= last_check_at) AS by_validation
    FROM grouped
),
levels AS (
    SELECT learner_id, competency_id, completion_level, completion_at, self_level, self_at,
        CASE WHEN by_validation THEN validation_level ELSE check_level END AS assessed_level,
        CASE WHEN by_validation THEN validation_at ELSE check_at END AS assessed_at,
        CASE WHEN by_validation THEN %(validation)s ELSE %(check)s END AS assessed_source
    FROM assessed
)
INSERT INTO analytics_proficiency (
    learner_id, competency_id, assessed_level, completion_level, self_level, level, source,
    evidence_at
)
SELECT learner_id, competency_id, assessed_level, completion_level, self_level,
    coalesce(assessed_level, completion_level, self_level),
    CASE WHEN assessed_level IS NOT NULL THEN assessed_source
         WHEN completion_level IS NOT NULL THEN %(completion)s
         WHEN self_level IS NOT NULL THEN %(self)s
         ELSE '' END,
    CASE WHEN assessed_level IS NOT NULL THEN assessed_at
         WHEN completion_level IS NOT NULL THEN completion_at
         WHEN self_level IS NOT NULL THEN self_at END
FROM levels
"""

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
        "verbs": evidence_verbs(),
        "home_page": settings.SITE_URL,
        "answered": VERB_ANSWERED,
        "validated": verb_validated(),
        "passed": VERB_PASSED,
        "completed": VERB_COMPLETED,
        "level_key": extension_level_claimed(),
        "levels_key": extension_levels_claimed(),
        "self_category": f'[{{"id": "{_json_string(category_self_assessment())}"}}]',
        "level_limit": LEVEL_LIMIT,
        "uuid_pattern": f"^{CANONICAL_UUID}$",
        "prefix": prefix,
        "prefix_length": len(prefix),
    }


def _json_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def insert_evidence(seqs: list[int] | None = None) -> int:
    """Project the statements with these sequence numbers (all of them when None); returns the
    evidence rows written."""
    scope = "TRUE" if seqs is None else "s.seq = ANY(%(seqs)s)"
    with connection.cursor() as cursor:
        cursor.execute(_CLAIMS.format(scope=scope), {**_claim_parameters(), "seqs": seqs})
        return cursor.rowcount


def project(*, seqs: list[int], voided: list[str]) -> int:
    """The incremental update for one stored batch: drop voided statements' evidence, add the
    new statements', and recompute the levels of every pair either touched."""
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
        if seqs:
            cursor.execute(
                _CLAIMS.format(scope="s.seq = ANY(%(seqs)s)")
                + " RETURNING learner_id, competency_id",
                {**_claim_parameters(), "seqs": seqs},
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
            cursor.execute(_PROFICIENCY.format(scope="TRUE"), _sources())
            return
        ordered = sorted(pairs)
        keys = {
            "learners": [learner for learner, _ in ordered],
            "competencies": [competency for _, competency in ordered],
        }
        cursor.execute(_DELETE_PAIRS, keys)
        cursor.execute(_PROFICIENCY.format(scope=_PAIRS), {**_sources(), **keys})
