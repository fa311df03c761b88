"""Delivery of the outbox to other LRSs: batches, back-off, and nothing marked sent too early."""

import http.client
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from xapi.credentials import UndecryptablePassword
from xapi.models import Attachment, ForwardingEndpoint, OutboxEntry
from xapi.transport import LrsTransport

logger = logging.getLogger(__name__)

# Back-off: the first retry after about BASE_DELAY, doubling, never more than MAX_DELAY apart.
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
# A statement the peer refuses for its content is tried this many times (a peer may be fixed
# or reconfigured meanwhile), then given up and left visible with its error.
MAX_REJECTIONS = 5
# Statuses that say nothing about the statement itself: the peer, its credentials or its load.
TRANSIENT_4XX = {401, 403, 408, 429}
ERROR_LENGTH = 500
# What a send can fail with short of an answer: network errors and timeouts (OSError), broken
# HTTP (HTTPException), and an address http.client cannot use (InvalidURL, a ValueError).
SEND_ERRORS = (OSError, http.client.HTTPException, ValueError)


@dataclass
class BatchOutcome:
    """What the peer made of one batch, by outbox entry id."""

    delivered: dict[int, str] = field(default_factory=dict)  # id -> note ("" when plain)
    rejected: dict[int, str] = field(default_factory=dict)  # id -> the peer's reason
    unsent: list[int] = field(default_factory=list)  # not acknowledged: try again later
    error: str = ""  # why the unsent ones were not acknowledged
    retry_after: timedelta | None = None


@dataclass(frozen=True)
class DeliveryReport:
    endpoint: str
    delivered: int = 0
    rejected: int = 0
    given_up: int = 0
    unsent: int = 0
    error: str = ""


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """Exponential back-off with jitter: a random point in the upper half of the window, so
    that workers and endpoints that failed together do not retry together."""
    window = min(MAX_DELAY, BASE_DELAY * 2 ** max(attempts - 1, 0))
    return window * (rng or random).uniform(0.5, 1.0)


def claim_lease(endpoint: ForwardingEndpoint) -> timedelta:
    """How long claimed entries stay invisible to other workers. A worker that dies keeps them
    only this long; if a slow batch outlives it, another worker re-sends, which is harmless."""
    return max(timedelta(minutes=5), timedelta(seconds=4 * endpoint.timeout_seconds))


def transport_for(endpoint: ForwardingEndpoint) -> LrsTransport:
    return LrsTransport(
        endpoint=endpoint.url,
        version=endpoint.version,
        username=endpoint.username,
        password=endpoint.get_password(),
        timeout=endpoint.timeout_seconds,
    )


def outbox_claim(*, endpoint: ForwardingEndpoint, now: datetime) -> list[OutboxEntry]:
    """Take the oldest due entries of one endpoint, at most one batch, for this worker alone.

    The claim moves `next_attempt_at` past the lease and commits at once, so no lock is held
    while the batch is on the wire. On PostgreSQL, rows another worker is claiming are skipped;
    SQLite runs every transaction IMMEDIATE here (settings), so claims simply take turns.
    """
    with transaction.atomic():
        due = OutboxEntry.objects.filter(
            endpoint=endpoint,
            sent_at__isnull=True,
            given_up_at__isnull=True,
            next_attempt_at__lte=now,
        ).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[: max(endpoint.batch_size, 1)])
        if not ids:
            return []
        OutboxEntry.objects.filter(pk__in=ids).update(next_attempt_at=now + claim_lease(endpoint))
    return list(OutboxEntry.objects.filter(pk__in=ids).select_related("statement").order_by("pk"))


def outbox_send(*, transport: LrsTransport, entries: list[OutboxEntry]) -> BatchOutcome:
    """Send a batch; where the peer refuses the whole batch for one statement, find which.

    Writes nothing to the database: the caller records the outcome afterwards, so a worker
    killed here leaves its entries unsent, to be sent again when the lease runs out.
    """
    outcome = BatchOutcome()
    try:
        status, detail, retry_after = _post(transport, entries)
    except SEND_ERRORS as error:
        return _unsent(outcome, entries, _describe(error))
    if 200 <= status < 300:
        outcome.delivered.update(dict.fromkeys((entry.pk for entry in entries), ""))
        return outcome
    if not _is_content_refusal(status):
        outcome.retry_after = retry_after
        return _unsent(outcome, entries, f"HTTP {status}: {detail}")
    # A 409 or a content 4xx refuses the whole batch for what may be one statement: send one
    # at a time to deliver the rest and to learn which one it was.
    for position, entry in enumerate(entries):
        if len(entries) > 1:
            try:
                status, detail, retry_after = _post(transport, [entry])
            except SEND_ERRORS as error:
                return _unsent(outcome, entries[position:], _describe(error))
        if 200 <= status < 300:
            outcome.delivered[entry.pk] = ""
        elif status == 409:
            # Statement ids are stable, so the peer already holds a statement under this id
            # and sending it again cannot change that: it counts as delivered, and the peer's
            # answer stays on the entry for anyone checking.
            outcome.delivered[entry.pk] = f"The peer already holds this id (409): {detail}"
        elif _is_content_refusal(status):
            outcome.rejected[entry.pk] = f"HTTP {status}: {detail}"
        else:
            outcome.retry_after = retry_after
            return _unsent(outcome, entries[position:], f"HTTP {status}: {detail}")
    return outcome


def outbox_record(
    *,
    endpoint: ForwardingEndpoint,
    entries: list[OutboxEntry],
    outcome: BatchOutcome,
    now: datetime,
    rng: random.Random | None = None,
) -> tuple[int, int]:
    """Write a batch's outcome: sent, retried with back-off, or given up. Returns
    (rejected, given up)."""
    by_id = {entry.pk: entry for entry in entries}
    given_up = 0
    with transaction.atomic():
        plain = [pk for pk, note in outcome.delivered.items() if not note]
        OutboxEntry.objects.filter(pk__in=plain).update(sent_at=now, last_error="")
        for pk, note in outcome.delivered.items():
            if note:
                OutboxEntry.objects.filter(pk=pk).update(sent_at=now, last_error=note)
        retried = []
        failures = {**outcome.rejected, **dict.fromkeys(outcome.unsent, outcome.error)}
        for pk, reason in failures.items():
            entry = by_id[pk]
            entry.attempts += 1
            entry.last_error = reason[:ERROR_LENGTH]
            delay = retry_delay(entry.attempts, rng=rng)
            if pk in outcome.rejected:
                entry.rejections += 1
                if entry.rejections >= MAX_REJECTIONS:
                    entry.given_up_at = now
                    given_up += 1
            elif outcome.retry_after:
                delay = min(max(delay, outcome.retry_after), MAX_DELAY)
            entry.next_attempt_at = now + delay
            retried.append(entry)
        OutboxEntry.objects.bulk_update(
            retried, ["attempts", "rejections", "last_error", "next_attempt_at", "given_up_at"]
        )
        _record_on_endpoint(endpoint, outcome, now)
    return len(outcome.rejected), given_up


def outbox_deliver(
    *,
    endpoint: ForwardingEndpoint,
    now: datetime | None = None,
    max_batches: int | None = None,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """Deliver the due entries of one endpoint, batch after batch, until none is due or the
    peer fails; a failing peer is left alone until its entries' back-off has passed.

    `now` fixes the clock (tests); by default each batch reads the time when it starts.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else timezone.now
    totals = {"delivered": 0, "rejected": 0, "given_up": 0, "unsent": 0}
    error, batches = "", 0
    try:
        transport = transport_for(endpoint)
    except UndecryptablePassword as problem:
        _record_on_endpoint(endpoint, BatchOutcome(error=str(problem)), clock())
        return DeliveryReport(endpoint=endpoint.name, error=str(problem))
    with transport:
        while max_batches is None or batches < max_batches:
            entries = outbox_claim(endpoint=endpoint, now=clock())
            if not entries:
                break
            batches += 1
            outcome = outbox_send(transport=transport, entries=entries)
            rejected, given_up = outbox_record(
                endpoint=endpoint, entries=entries, outcome=outcome, now=clock(), rng=rng
            )
            totals["delivered"] += len(outcome.delivered)
            totals["rejected"] += rejected
            totals["given_up"] += given_up
            totals["unsent"] += len(outcome.unsent)
            if outcome.error:
                error = outcome.error
                logger.warning("Forwarding to %s failed: %s", endpoint.name, error)
                break
    return DeliveryReport(endpoint=endpoint.name, error=error, **totals)


# -- helpers ----------------------------------------------------------------------------------


def _post(transport: LrsTransport, entries: list[OutboxEntry]) -> tuple[int, str, timedelta | None]:
    statements = [entry.statement.data for entry in entries]
    response = transport.save_statement_data(statements, _attachment_parts(statements))
    status = response.response.status
    retry_after = response.response.getheader("Retry-After")
    wait = timedelta(seconds=int(retry_after)) if retry_after and retry_after.isdigit() else None
    return status, _detail(response.data), wait


def _attachment_parts(statements: list[dict]) -> list[tuple[str, str, bytes]]:
    """The content of every attachment the statements declare and this LRS holds: a peer
    needs the parts of attachments that have no fileUrl, and signatures are always parts."""
    hashes = set()
    for statement in statements:
        declared = list(statement.get("attachments", []))
        declared += (statement.get("object") or {}).get("attachments", [])
        hashes.update(a["sha2"].lower() for a in declared if isinstance(a, dict) and "sha2" in a)
    if not hashes:
        return []
    rows = Attachment.objects.filter(sha2__in=hashes).order_by("sha2")
    return [(row.sha2, row.content_type, bytes(row.content)) for row in rows]


def _is_content_refusal(status: int) -> bool:
    return 400 <= status < 500 and status not in TRANSIENT_4XX


def _unsent(outcome: BatchOutcome, entries: list[OutboxEntry], error: str) -> BatchOutcome:
    outcome.unsent.extend(entry.pk for entry in entries)
    outcome.error = error
    return outcome


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"No answer within the timeout ({error or 'timed out'})."
    return f"{type(error).__name__}: {error}"


def _detail(data: str | None) -> str:
    """The peer's explanation, short: the `message` or `detail` of a JSON error, or the text."""
    text = (data or "").strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        text = str(parsed.get("message") or parsed.get("detail") or text)
    return text[:ERROR_LENGTH] or "(no explanation)"


def _record_on_endpoint(endpoint: ForwardingEndpoint, outcome: BatchOutcome, now: datetime) -> None:
    changes: dict = {}
    if outcome.delivered:
        changes["last_success_at"] = now
    if outcome.error:
        changes.update(last_error=outcome.error[:ERROR_LENGTH], last_error_at=now)
    elif outcome.rejected:
        first = next(iter(outcome.rejected.values()))
        summary = f"{len(outcome.rejected)} statement(s) refused by the peer; first: {first}"
        changes.update(last_error=summary[:ERROR_LENGTH], last_error_at=now)
    if changes:
        # An update, not save(): an administrator may be editing the endpoint meanwhile.
        ForwardingEndpoint.objects.filter(pk=endpoint.pk).update(**changes)
        for name, value in changes.items():
            setattr(endpoint, name, value)
