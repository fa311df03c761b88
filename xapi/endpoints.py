"""Changes to forwarding endpoints made in the CMS: audited, and turning one back on may queue
the statements stored while it was off."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record, audit_snapshot
from accounts.models import User
from xapi.models import ForwardingEndpoint, OutboxEntry, PullCursor, Statement, StatementOrigin

AUDITED_FIELDS = ("name", "url", "version", "username", "enabled", "batch_size", "timeout_seconds")
BACKFILL_CHUNK = 2_000


def forwarding_endpoint_snapshot(endpoint: ForwardingEndpoint | None) -> dict:
    """What the audit trail keeps of an endpoint: never its password, encrypted or not."""
    return audit_snapshot(endpoint, AUDITED_FIELDS)


def forwarding_endpoint_audit(
    *,
    endpoint: ForwardingEndpoint,
    before: dict,
    actor: User | None,
    via: str = "CMS",
    password_changed: bool = False,
    backfill: dict | None = None,
    deleted: bool = False,
) -> None:
    """Record a change to an endpoint, with the backfill chosen when it was turned back on."""
    after = {} if deleted else forwarding_endpoint_snapshot(endpoint)
    if password_changed:
        after["password_changed"] = True  # that it changed, never what it is
    if backfill is not None:
        after["backfill"] = backfill
    if after != before:
        audit_record(
            instance=endpoint,
            action="lms.forwarding_endpoint.change",
            actor=actor,
            before=before,
            after=after,
            via=via,
        )


@transaction.atomic
def outbox_backfill(
    *, endpoint: ForwardingEndpoint, since: datetime, now: datetime | None = None
) -> int:
    """Queue for `endpoint` every statement stored since `since` that has no entry for it yet,
    in stored order, due at once. Returns how many were queued.

    Statements it already has an entry for (sent, waiting or given up) are left as they are.
    Statements pulled into this LRS are not offered back to an endpoint this LRS pulls from.
    """
    now = now or timezone.now()
    statements = Statement.objects.filter(stored__gte=since).order_by("seq")
    if PullCursor.objects.filter(endpoint=endpoint).exists():
        statements = statements.exclude(origin=StatementOrigin.PULLED)
    before = OutboxEntry.objects.filter(endpoint=endpoint).count()
    chunk: list[OutboxEntry] = []
    for seq in statements.values_list("seq", flat=True).iterator(chunk_size=BACKFILL_CHUNK):
        chunk.append(OutboxEntry(endpoint=endpoint, statement_id=seq, next_attempt_at=now))
        if len(chunk) == BACKFILL_CHUNK:
            OutboxEntry.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    OutboxEntry.objects.bulk_create(chunk, ignore_conflicts=True)
    return OutboxEntry.objects.filter(endpoint=endpoint).count() - before
