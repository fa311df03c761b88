"""Delivery of the outbox to other LRSs: batches, back-off, and nothing marked sent too early."""

import http.client
import json
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from xapi.credentials import UndecryptablePassword
from xapi.models import Attachment, ForwardingEndpoint, OutboxEntry
from xapi.transport import LrsTransport

logger = logging.getLogger(__name__)

# Back-off of a statement the peer refused: the first retry after about BASE_DELAY, doubling,
# never more than MAX_DELAY apart (also the longest Retry-After honoured).
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
# Back-off of an endpoint that failed (no answer, 5xx, 401/403/408/429): short at first so a
# blip costs seconds, capped so a peer back after a long outage waits minutes, not an hour.
ENDPOINT_BASE_DELAY = timedelta(seconds=5)
ENDPOINT_MAX_DELAY = timedelta(minutes=5)
# A claimed batch is invisible to other workers this long after its last renewal; the worker
# sending it renews before every request, so only a dead worker's batch outlives it.
LEASE = timedelta(seconds=30)
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
    taken_over: list[int] = field(default_factory=list)  # now another worker's: not sent here


@dataclass(frozen=True)
class DeliveryReport:
    endpoint: str
    delivered: int = 0
    rejected: int = 0
    given_up: int = 0
    unsent: int = 0
    error: str = ""
    backoff_until: datetime | None = None  # when the endpoint may be called again, if failing


def retry_delay(
    attempts: int,
    *,
    rng: random.Random | None = None,
    base: timedelta = BASE_DELAY,
    cap: timedelta = MAX_DELAY,
) -> timedelta:
    """Exponential back-off with jitter: a random point in the upper half of the window, so
    that workers and endpoints that failed together do not retry together."""
    window = min(cap, base * 2 ** min(max(attempts - 1, 0), 32))
    return window * (rng or random).uniform(0.5, 1.0)


def endpoint_retry_delay(failures: int, *, rng: random.Random | None = None) -> timedelta:
    return retry_delay(failures, rng=rng, base=ENDPOINT_BASE_DELAY, cap=ENDPOINT_MAX_DELAY)


def claim_lease(endpoint: ForwardingEndpoint) -> timedelta:
    """How long a claim lasts after its last renewal: long enough for one request (the worker
    renews before each), so a worker that dies holds its batch only this long."""
    return max(LEASE, timedelta(seconds=3 * endpoint.timeout_seconds))


def transport_for(endpoint: ForwardingEndpoint) -> LrsTransport:
    return LrsTransport(
        endpoint=endpoint.url,
        version=endpoint.version,
        username=endpoint.username,
        password=endpoint.get_password(),
        timeout=endpoint.timeout_seconds,
    )


def outbox_claim(*, endpoint: ForwardingEndpoint, now: datetime) -> list[OutboxEntry]:
    """Take the oldest due entries of one endpoint, at most one batch, for this worker alone;
    none while the endpoint backs off.

    The claim moves `next_attempt_at` past the lease, marks the entries with a token of this
    claim and commits at once, so no lock is held while the batch is on the wire. On
    PostgreSQL the endpoint's row is locked for the claim, so workers take turns claiming;
    SQLite runs every transaction IMMEDIATE here (settings), so claims take turns there too.
    """
    with transaction.atomic():
        gate = ForwardingEndpoint.objects.filter(pk=endpoint.pk)
        if connection.features.has_select_for_update:
            gate = gate.select_for_update()
        state = gate.values("failures", "backoff_until").first()
        if state is None or (state["backoff_until"] and state["backoff_until"] > now):
            return []
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
        lease_end = now + claim_lease(endpoint)
        token = uuid.uuid4().hex
        OutboxEntry.objects.filter(pk__in=ids).update(next_attempt_at=lease_end, claimed_by=token)
        if state["failures"]:
            # The endpoint was failing: this batch probes it, and the other workers keep off
            # until it answers (or until the lease ends, if this worker dies).
            gate.update(backoff_until=lease_end)
    return list(OutboxEntry.objects.filter(pk__in=ids).select_related("statement").order_by("pk"))


def outbox_renew(
    *, endpoint: ForwardingEndpoint, entries: list[OutboxEntry], now: datetime
) -> list[OutboxEntry]:
    """Extend this worker's lease on its entries; returns those still its own (another worker
    may have taken over entries whose lease ran out, and then this one must not send them)."""
    if not entries:
        return []
    token = entries[0].claimed_by
    held = OutboxEntry.objects.filter(
        pk__in=[entry.pk for entry in entries], claimed_by=token, sent_at__isnull=True
    )
    with transaction.atomic():
        ids = set(held.values_list("pk", flat=True))
        held.update(next_attempt_at=now + claim_lease(endpoint))
    return [entry for entry in entries if entry.pk in ids]


def outbox_send(
    *,
    transport: LrsTransport,
    entries: list[OutboxEntry],
    renew: Callable[[list[OutboxEntry]], list[OutboxEntry]] | None = None,
) -> BatchOutcome:
    """Send a batch; where the peer refuses the whole batch for one statement, find which.

    Writes nothing but lease renewals (`renew`, called with the batch before every request
    after the first, returns the entries still this worker's): the caller records
    the outcome afterwards, so a worker killed here leaves its entries unsent, to be sent
    again when the lease runs out.
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
            if renew is not None:
                # The whole batch: answered entries are recorded only at the end.
                held = {kept.pk for kept in renew(entries)}
                if entry.pk not in held:
                    outcome.taken_over.append(entry.pk)
                    continue
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
    """Write a batch's outcome: sent, refused (the statement retried with back-off, or given
    up), or unsent (due again at once, behind the endpoint's back-off). Entries another worker
    took over are left to it, except that what the peer acknowledged is sent. Returns
    (rejected, given up)."""
    by_id = {entry.pk: entry for entry in entries}
    token = entries[0].claimed_by if entries else ""
    mine = OutboxEntry.objects.filter(claimed_by=token, sent_at__isnull=True)
    given_up = 0
    with transaction.atomic():
        plain = [pk for pk, note in outcome.delivered.items() if not note]
        sent = {"sent_at": now, "claimed_by": ""}
        OutboxEntry.objects.filter(pk__in=plain).update(last_error="", **sent)
        for pk, note in outcome.delivered.items():
            if note:
                OutboxEntry.objects.filter(pk=pk).update(last_error=note, **sent)
        for pk, reason in outcome.rejected.items():
            entry = by_id[pk]
            changes = {
                "attempts": entry.attempts + 1,
                "rejections": entry.rejections + 1,
                "last_error": reason[:ERROR_LENGTH],
                "next_attempt_at": now + retry_delay(entry.attempts + 1, rng=rng),
                "claimed_by": "",
            }
            if changes["rejections"] >= MAX_REJECTIONS:
                changes["given_up_at"] = now
            updated = mine.filter(pk=pk).update(**changes)
            given_up += updated if "given_up_at" in changes else 0
        # Unsent entries are due again at once: the endpoint's back-off holds them, and when
        # it ends they go out in full batches in the order they were stored.
        mine.filter(pk__in=outcome.unsent).update(
            attempts=F("attempts") + 1,
            last_error=outcome.error[:ERROR_LENGTH],
            next_attempt_at=now,
            claimed_by="",
        )
        _record_on_endpoint(endpoint, outcome, now, rng=rng)
    return len(outcome.rejected), given_up


def outbox_deliver(
    *,
    endpoint: ForwardingEndpoint,
    now: datetime | Callable[[], datetime] | None = None,
    max_batches: int | None = None,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """Deliver the due entries of one endpoint, batch after batch, until none is due or the
    peer fails; a failing peer is left alone until its entries' back-off has passed.

    `now` fixes the clock, or is a clock to read (tests); by default the time is read when each
    batch starts, at each lease renewal and when the outcome is recorded.
    """
    fixed = now
    clock: Callable[[], datetime] = (
        now if callable(now) else (lambda: fixed) if fixed is not None else timezone.now
    )
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

            def renew(held: list[OutboxEntry]) -> list[OutboxEntry]:
                return outbox_renew(endpoint=endpoint, entries=held, now=clock())

            outcome = outbox_send(transport=transport, entries=entries, renew=renew)
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
    return DeliveryReport(
        endpoint=endpoint.name, error=error, backoff_until=endpoint.backoff_until, **totals
    )


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


def _record_on_endpoint(
    endpoint: ForwardingEndpoint,
    outcome: BatchOutcome,
    now: datetime,
    *,
    rng: random.Random | None = None,
) -> None:
    changes: dict = {}
    if outcome.delivered:
        changes["last_success_at"] = now
    if outcome.unsent:
        # The peer failed the send itself: keep off it for a while, longer each time.
        failures = _locked_failures(endpoint) + 1
        delay = endpoint_retry_delay(failures, rng=rng)
        if outcome.retry_after:
            delay = min(max(delay, outcome.retry_after), MAX_DELAY)
        changes.update(failures=failures, backoff_until=now + delay)
    elif outcome.delivered or outcome.rejected:
        changes.update(failures=0, backoff_until=None)  # it answered: it is healthy
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


def _locked_failures(endpoint: ForwardingEndpoint) -> int:
    """The endpoint's count of failures in a row, its row locked until the caller's
    transaction ends, so two workers failing at once both count."""
    rows = ForwardingEndpoint.objects.filter(pk=endpoint.pk)
    if connection.features.has_select_for_update:
        rows = rows.select_for_update()
    return rows.values_list("failures", flat=True).first() or 0
