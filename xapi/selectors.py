"""Reads for the LRS: statement queries driven by indexed columns, never by scanning JSON."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Q, QuerySet

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


def statements_matching(query: StatementQuery) -> QuerySet[Statement]:
    statements = Statement.objects.filter(voided=False)
    if query.agent_key:
        refs = StatementAgent.objects.filter(agent_key=query.agent_key)
        if not query.related_agents:
            refs = refs.filter(principal=True)
        statements = statements.filter(seq__in=refs.values("statement_id"))
    if query.activity_id:
        refs = StatementActivity.objects.filter(activity_id=query.activity_id)
        if not query.related_activities:
            refs = refs.filter(principal=True)
        statements = statements.filter(seq__in=refs.values("statement_id"))
    if query.verb_id:
        inherited = StatementTargetMatch.objects.filter(verb_id=query.verb_id)
        statements = statements.filter(
            Q(verb_id=query.verb_id) | Q(seq__in=inherited.values("statement_id"))
        )
    if query.registration:
        inherited = StatementTargetMatch.objects.filter(registration=query.registration)
        statements = statements.filter(
            Q(registration=query.registration) | Q(seq__in=inherited.values("statement_id"))
        )
    if query.since:
        statements = statements.filter(stored__gt=query.since)
    if query.until:
        statements = statements.filter(stored__lte=query.until)
    if query.client_id is not None:
        statements = statements.filter(client_id=query.client_id)
    if query.ceiling_seq is not None:
        statements = statements.filter(seq__lte=query.ceiling_seq)
    if query.after_seq is not None:
        cursor = "seq__gt" if query.ascending else "seq__lt"
        statements = statements.filter(**{cursor: query.after_seq})
    return statements.order_by("seq" if query.ascending else "-seq")


def statements_page(query: StatementQuery) -> tuple[list[Statement], StatementQuery | None]:
    """One page of results, and the query for the next page (None when this is the last)."""
    if query.ceiling_seq is None:
        latest = Statement.objects.order_by("-seq").values_list("seq", flat=True).first()
        query = replace(query, ceiling_seq=latest or 0)
    rows = list(statements_matching(query).only("seq", "data")[: query.page_size + 1])
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
