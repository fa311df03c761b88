"""Reads for the LRS: statement queries driven by indexed columns, never by scanning JSON."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from xapi.models import (
    Activity,
    Attachment,
    Statement,
    StatementActivity,
    StatementAgent,
    StatementTargetMatch,
)

MAX_PAGE = 500


@dataclass(frozen=True)
class StatementQuery:
    agent_key: str | None = None
    verb_id: str | None = None
    activity_id: str | None = None
    registration: str | None = None
    related_agents: bool = False
    related_activities: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 0
    ascending: bool = False
    client_id: int | None = None
    # Paging: continue after this sequence number, and never beyond the ceiling fixed when
    # the first page was read, so later pages stay consistent with the first.
    after_seq: int | None = None
    ceiling_seq: int | None = None

    @property
    def page_size(self) -> int:
        return MAX_PAGE if self.limit <= 0 else min(self.limit, MAX_PAGE)


def statement_by_id(statement_id: str, *, voided: bool) -> Statement | None:
    return Statement.objects.filter(statement_id=statement_id, voided=voided).first()


# Statements inherit a target's verb or registration only through a StatementRef, which is
# rare; when few do, their ids go into the query as a list, keeping the plain index usable.
INHERITED_LIST_LIMIT = 1000


def _inherited(field: str, value) -> Q:
    """Matches on a statement's own `field`, or on one it inherits from its target."""
    matches = StatementTargetMatch.objects.filter(**{field: value}).values_list(
        "statement_id", flat=True
    )
    found = list(matches[: INHERITED_LIST_LIMIT + 1])
    if not found:
        return Q(**{field: value})
    if len(found) <= INHERITED_LIST_LIMIT:
        return Q(**{field: value}) | Q(seq__in=found)
    return Q(**{field: value}) | Q(seq__in=matches)


def _conditions(query: StatementQuery, prefix: str = "") -> Q:
    """Every filter except the agent and activity lookups, on Statement (or through `prefix`)."""

    def on(condition: Q) -> Q:
        if not prefix:
            return condition
        return Q(
            *[(f"{prefix}{k}", v) for k, v in condition.children], _connector=condition.connector
        )

    conditions = Q(**{f"{prefix}voided": False})
    if query.verb_id:
        conditions &= on(_inherited("verb_id", query.verb_id))
    if query.registration:
        conditions &= on(_inherited("registration", query.registration))
    if query.since:
        conditions &= Q(**{f"{prefix}stored__gt": query.since})
    if query.until:
        conditions &= Q(**{f"{prefix}stored__lte": query.until})
    if query.client_id is not None:
        conditions &= Q(**{f"{prefix}client_id": query.client_id})
    if query.ceiling_seq is not None:
        conditions &= Q(**{f"{prefix}seq__lte": query.ceiling_seq})
    if query.after_seq is not None:
        cursor = "seq__gt" if query.ascending else "seq__lt"
        conditions &= Q(**{f"{prefix}{cursor}": query.after_seq})
    return conditions


def _agent_refs(query: StatementQuery) -> QuerySet[StatementAgent]:
    refs = StatementAgent.objects.filter(agent_key=query.agent_key)
    return refs if query.related_agents else refs.filter(principal=True)


def _activity_refs(query: StatementQuery) -> QuerySet[StatementActivity]:
    refs = StatementActivity.objects.filter(activity_id=query.activity_id)
    return refs if query.related_activities else refs.filter(principal=True)


def statements_matching(query: StatementQuery) -> QuerySet[Statement]:
    statements = Statement.objects.filter(_conditions(query))
    if query.agent_key:
        statements = statements.filter(seq__in=_agent_refs(query).values("statement_id"))
    if query.activity_id:
        statements = statements.filter(seq__in=_activity_refs(query).values("statement_id"))
    return statements.order_by("seq" if query.ascending else "-seq")


def _page_seqs(query: StatementQuery, size: int) -> list[int]:
    """With an agent or activity filter, walk that side table's index in statement order and
    join the statements, so a person with many statements costs one page, not all of them."""
    if query.agent_key:
        driver = _agent_refs(query)
        if query.activity_id:
            driver = driver.filter(statement_id__in=_activity_refs(query).values("statement_id"))
    else:
        driver = _activity_refs(query)
    order = "statement_id" if query.ascending else "-statement_id"
    return list(
        driver.filter(_conditions(query, prefix="statement__"))
        .order_by(order)
        .values_list("statement_id", flat=True)
        .distinct()[:size]
    )


def statements_page(
    query: StatementQuery, *, raw: bool = False
) -> tuple[list[Statement], StatementQuery | None]:
    """One page of results, and the query for the next page (None when this is the last).

    With `raw`, each statement's JSON comes back as text in `.raw` and is not decoded: a page
    returned exactly as stored need not be parsed and encoded again.
    """

    def columns(statements: QuerySet[Statement]) -> QuerySet[Statement]:
        if raw:
            return statements.annotate(raw=Cast("data", TextField())).only("seq")
        return statements.only("seq", "data")

    if query.ascending and query.ceiling_seq is None:
        # Newer statements would otherwise appear on later pages of an ascending query.
        # (Descending pages move away from new statements, so they need no ceiling.)
        latest = Statement.objects.order_by("-seq").values_list("seq", flat=True).first()
        query = replace(query, ceiling_seq=latest or 0)
    size = query.page_size + 1
    if query.agent_key or query.activity_id:
        seqs = _page_seqs(query, size)
        by_seq = {row.seq: row for row in columns(Statement.objects.filter(seq__in=seqs))}
        rows = [by_seq[seq] for seq in seqs if seq in by_seq]
    else:
        rows = list(columns(statements_matching(query))[:size])
    if len(rows) <= query.page_size:
        return rows, None
    rows = rows[: query.page_size]
    return rows, replace(query, after_seq=rows[-1].seq)


def canonical_definitions(activity_ids: set[str]) -> dict[str, dict]:
    return dict(
        Activity.objects.filter(activity_id__in=activity_ids).values_list(
            "activity_id", "definition"
        )
    )


def attachments_for(statements: list[dict]) -> list[Attachment]:
    hashes = {
        attachment["sha2"].lower()
        for statement in statements
        for attachment in statement.get("attachments", [])
        if "sha2" in attachment
    }
    return list(Attachment.objects.filter(sha2__in=hashes)) if hashes else []


def activity_definition(activity_id: str) -> dict | None:
    activity = Activity.objects.filter(activity_id=activity_id).first()
    return activity.definition if activity else None
