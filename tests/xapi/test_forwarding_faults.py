"""Forwarding under faults, over the wire: short renewed leases, the endpoint's back-off, and
retries regrouped into full batches in stored order."""

import json
import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import ForwardingEndpointFactory, statement_data
from tests.xapi.peers import Received, ScriptedLrs
from xapi.forwarding import (
    ENDPOINT_BASE_DELAY,
    ENDPOINT_MAX_DELAY,
    endpoint_retry_delay,
    outbox_claim,
    outbox_deliver,
)
from xapi.models import ForwardingEndpoint, OutboxEntry
from xapi.services import statements_store

FAILING = (500, {"Content-Type": "application/json"}, b'{"message": "database down"}')


def _ok(request: Received):
    ids = [statement["id"] for statement in json.loads(request.body)]
    return 200, {"Content-Type": "application/json"}, json.dumps(ids).encode()


@pytest.fixture(scope="module")
def peer():
    """One scripted LRS for the module; each test sets its answer."""
    with ScriptedLrs(_ok) as scripted:
        yield scripted


@pytest.fixture
def fresh_peer(peer):
    peer.received.clear()
    peer.answer = _ok
    return peer


def _store(count: int) -> list[str]:
    return statements_store(statements=[statement_data() for _ in range(count)], client=None)


def _batches(requests: list[Received]) -> list[list[str]]:
    return [[statement["id"] for statement in json.loads(got.body)] for got in requests]


@pytest.mark.django_db
def test_a_dead_workers_batch_is_taken_over_once_its_short_lease_ends(ralph, ralph_endpoint):
    ids = _store(2)
    now = timezone.now()

    claimed = outbox_claim(endpoint=ralph_endpoint, now=now)
    # The worker dies here, holding the batch. Its lease is half a minute, not minutes.
    held = outbox_deliver(endpoint=ralph_endpoint, now=now + timedelta(seconds=29))
    taken_over = outbox_deliver(endpoint=ralph_endpoint, now=now + timedelta(seconds=31))

    assert [entry.pk for entry in claimed] == sorted(
        OutboxEntry.objects.filter(endpoint=ralph_endpoint).values_list("pk", flat=True)
    )
    assert (held.delivered, taken_over.delivered, taken_over.error) == (0, 2, "")
    for statement_id in ids:
        assert len(ralph.statements_with_id(statement_id)) == 1


# Committed data: the other worker claims from the peer's thread, on a connection of its own.
@pytest.mark.django_db(transaction=True)
def test_a_live_worker_renewing_its_lease_is_never_taken_over(fresh_peer):
    # A lease of 5 minutes (3 x the timeout); the batch is refused whole for one statement, so
    # it goes out one statement at a time, and each request takes 90 s on the clock below.
    endpoint = ForwardingEndpointFactory(url=fresh_peer.url, batch_size=4, timeout_seconds=100)
    bad, *good = _store(4)
    clock = [timezone.now()]
    other_worker_got: list[list[int]] = []

    def slow_answer(request: Received):
        clock[0] += timedelta(seconds=90)
        try:
            claimed = outbox_claim(endpoint=endpoint, now=clock[0])
            other_worker_got.append([entry.pk for entry in claimed])
        finally:
            connection.close()
        if bad.encode() in request.body:
            return 400, {"Content-Type": "application/json"}, b'{"message": "unknown verb"}'
        return _ok(request)

    fresh_peer.answer = slow_answer
    report = outbox_deliver(endpoint=endpoint, now=lambda: clock[0])

    # 450 s on the wire, longer than the lease, and the other worker never got an entry.
    assert other_worker_got == [[], [], [], [], []]
    assert _batches(fresh_peer.received) == [[bad, *good], [bad], *[[one] for one in good]]
    assert (report.delivered, report.rejected, report.unsent) == (3, 1, 0)
    sent = OutboxEntry.objects.filter(endpoint=endpoint, sent_at__isnull=False)
    assert sorted(str(s) for s in sent.values_list("statement__statement_id", flat=True)) == sorted(
        good
    )


@pytest.mark.django_db
def test_a_failing_endpoint_is_left_alone_until_its_back_off_ends(fresh_peer):
    endpoint = ForwardingEndpointFactory(url=fresh_peer.url, batch_size=2)
    ids = _store(6)
    fresh_peer.answer = lambda request: FAILING
    rng = random.Random(3)
    now = timezone.now()

    # Three passes a second apart while the peer fails: one request, not one per batch.
    for second in range(3):
        outbox_deliver(endpoint=endpoint, now=now + timedelta(seconds=second), rng=rng)
    endpoint.refresh_from_db()
    first_backoff = endpoint.backoff_until

    assert len(fresh_peer.received) == 1
    assert endpoint.failures == 1
    assert now + ENDPOINT_BASE_DELAY / 2 <= first_backoff <= now + ENDPOINT_BASE_DELAY

    # When the back-off ends one batch probes the peer; it fails again, and the wait doubles.
    probe = outbox_deliver(endpoint=endpoint, now=first_backoff, rng=rng)
    endpoint.refresh_from_db()

    assert (len(fresh_peer.received), probe.unsent, endpoint.failures) == (2, 2, 2)
    assert probe.backoff_until == endpoint.backoff_until
    wait = endpoint.backoff_until - first_backoff
    assert ENDPOINT_BASE_DELAY <= wait <= 2 * ENDPOINT_BASE_DELAY

    # Back: everything goes, in full batches in stored order, and the endpoint is healthy.
    fresh_peer.answer = _ok
    back = outbox_deliver(endpoint=endpoint, now=endpoint.backoff_until, rng=rng)
    endpoint.refresh_from_db()

    assert back.delivered == 6
    assert _batches(fresh_peer.received[2:]) == [ids[0:2], ids[2:4], ids[4:6]]
    assert (endpoint.failures, endpoint.backoff_until, endpoint.last_error) == (
        0,
        None,
        "HTTP 500: database down",
    )


def test_endpoint_back_off_doubles_with_jitter_up_to_its_cap():
    rng = random.Random(11)

    delays = [endpoint_retry_delay(failures, rng=rng) for failures in (1, 2, 3, 50)]

    assert ENDPOINT_BASE_DELAY / 2 <= delays[0] <= ENDPOINT_BASE_DELAY
    assert ENDPOINT_BASE_DELAY <= delays[1] <= 2 * ENDPOINT_BASE_DELAY
    assert 2 * ENDPOINT_BASE_DELAY <= delays[2] <= 4 * ENDPOINT_BASE_DELAY
    assert ENDPOINT_MAX_DELAY / 2 <= delays[3] <= ENDPOINT_MAX_DELAY
    assert len({delay.total_seconds() for delay in delays}) == 4


@pytest.mark.django_db
def test_after_a_fault_retries_go_out_in_full_batches_in_stored_order(fresh_peer):
    endpoint = ForwardingEndpointFactory(url=fresh_peer.url, batch_size=4)
    ids = _store(10)
    rng = random.Random(5)
    now = timezone.now()
    fresh_peer.answer = lambda request: FAILING

    # A worker passing every 5 s through a 30 s fault, then on after the peer is back.
    for second in range(0, 30, 5):
        outbox_deliver(endpoint=endpoint, now=now + timedelta(seconds=second), rng=rng)
    during_fault = len(fresh_peer.received)
    fresh_peer.answer = _ok
    for second in range(30, 120, 5):
        outbox_deliver(endpoint=endpoint, now=now + timedelta(seconds=second), rng=rng)

    assert during_fault == 3  # at 0 s, then as the back-off allows (seeded jitter)
    assert _batches(fresh_peer.received[during_fault:]) == [ids[0:4], ids[4:8], ids[8:10]]
    assert OutboxEntry.objects.filter(endpoint=endpoint, sent_at=None).count() == 0
    assert ForwardingEndpoint.objects.get(pk=endpoint.pk).failures == 0
