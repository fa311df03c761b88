"""Statements that target statements: a StatementRef statement matches what its target matches.

xAPI (Communication 2.1.3, "Filter Conditions for StatementRefs"): for every filter except
since, until and limit, a statement whose object is a StatementRef meets the condition when the
statement it targets does, recursively. Rather than chase references at query time, the
target's agents, activities, verb and registration are copied onto the targeting statement when
either of them is stored, so every query stays an index lookup.
"""

from collections.abc import Iterable

from xapi.models import Statement, StatementActivity, StatementAgent, StatementTargetMatch

MAX_DEPTH = 10  # chains longer than this are not followed (and are not seen in practice)


def inherit_target_matches(rows: Iterable[Statement]) -> None:
    """Bring new statements' inherited matches up to date, in both directions."""
    rows = list(rows)
    targeting = [row for row in rows if row.object_statement_id]
    new_ids = [row.statement_id for row in rows]
    # Existing statements that were waiting for one of the new statements as their target.
    waiting = list(
        Statement.objects.filter(object_statement_id__in=new_ids).only(
            "seq", "object_statement_id", "statement_id"
        )
    )
    pending = {row.seq: row for row in [*targeting, *waiting]}
    depth = 0
    while pending and depth < MAX_DEPTH:
        for row in pending.values():
            _copy_from_target(row)
        changed_ids = [row.statement_id for row in pending.values()]
        downstream = Statement.objects.filter(object_statement_id__in=changed_ids).only(
            "seq", "object_statement_id", "statement_id"
        )
        pending = {row.seq: row for row in downstream}
        depth += 1


def _copy_from_target(row: Statement) -> None:
    target = (
        Statement.objects.filter(statement_id=row.object_statement_id)
        .only("seq", "verb_id", "registration")
        .first()
    )
    if target is None:
        return
    have_agents = set(
        StatementAgent.objects.filter(statement=row).values_list("agent_key", "principal")
    )
    StatementAgent.objects.bulk_create(
        StatementAgent(statement=row, agent_key=key, principal=principal)
        for key, principal in StatementAgent.objects.filter(statement=target).values_list(
            "agent_key", "principal"
        )
        if (key, principal) not in have_agents
    )
    have_activities = set(
        StatementActivity.objects.filter(statement=row).values_list("activity_id", "principal")
    )
    StatementActivity.objects.bulk_create(
        StatementActivity(statement=row, activity_id=activity_id, principal=principal)
        for activity_id, principal in StatementActivity.objects.filter(
            statement=target
        ).values_list("activity_id", "principal")
        if (activity_id, principal) not in have_activities
    )
    have_matches = set(
        StatementTargetMatch.objects.filter(statement=row).values_list("verb_id", "registration")
    )
    wanted = {(target.verb_id, target.registration)} | set(
        StatementTargetMatch.objects.filter(statement=target).values_list("verb_id", "registration")
    )
    StatementTargetMatch.objects.bulk_create(
        StatementTargetMatch(statement=row, verb_id=verb_id, registration=registration)
        for verb_id, registration in wanted - have_matches
    )
