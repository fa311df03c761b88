"""Forwarding through the outbox to a real Ralph LRS, and what happens when the peer fails."""

import base64
import io
import json
import random
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.factories import ForwardingEndpointFactory, statement_data
from tests.xapi.peers import ScriptedLrs, SilentLrs, refused_url
from xapi.forwarding import (
    BASE_DELAY,
    ENDPOINT_BASE_DELAY,
    MAX_DELAY,
    MAX_REJECTIONS,
    claim_lease,
    outbox_claim,
    outbox_deliver,
    outbox_send,
    retry_delay,
    transport_for,
)
from xapi.models import OutboxEntry
from xapi.services import statements_store


def _store(*statements: dict) -> list[str]:
    return statements_store(statements=list(statements), client=None)


def _entry(endpoint, statement_id: str) -> OutboxEntry:
    return OutboxEntry.objects.get(endpoint=endpoint, statement__statement_id=statement_id)


def _point_at(endpoint, ralph) -> None:
    endpoint.url, endpoint.username = ralph.url, ralph.key
    endpoint.set_password(ralph.secret)
    endpoint.save()


def _ok(request):
    ids = [statement["id"] for statement in json.loads(request.body)]
    return 200, {"Content-Type": "application/json"}, json.dumps(ids).encode()


@pytest.mark.django_db
def test_statements_stored_locally_arrive_at_ralph_exactly_once(ralph, ralph_endpoint):
    ids = _store(statement_data(), statement_data(), statement_data())

    report = outbox_deliver(endpoint=ralph_endpoint)

    assert (report.delivered, report.unsent, report.error) == (3, 0, "")
    for statement_id in ids:
        assert [s["id"] for s in ralph.statements_with_id(statement_id)] == [statement_id]
        assert _entry(ralph_endpoint, statement_id).sent_at is not None
    ralph_endpoint.refresh_from_db()
    assert ralph_endpoint.last_success_at is not None
    assert ralph_endpoint.last_error == ""


@pytest.mark.django_db
def test_statements_posted_over_http_are_forwarded_once_by_the_worker(
    client, ralph, ralph_endpoint
):
    call_command(
        "create_lrs_client", "Authoring tool", "--key", "authoring", "--secret", "authoring-secret",
        stdout=io.StringIO(),
    )  # fmt: skip
    statement = statement_data()
    token = base64.b64encode(b"authoring:authoring-secret").decode()
    post = {
        "content_type": "application/json",
        "HTTP_AUTHORIZATION": f"Basic {token}",
        "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3",
    }

    first = client.post("/xapi/statements", data=json.dumps([statement]), **post)
    call_command("forward_statements", "--once", stdout=io.StringIO())
    # The same statement again: the LRS accepts it without storing or queueing it twice.
    again = client.post("/xapi/statements", data=json.dumps([statement]), **post)
    call_command("forward_statements", "--once", stdout=io.StringIO())

    assert (first.status_code, again.status_code) == (200, 200)
    [forwarded] = ralph.statements_with_id(statement["id"])
    assert forwarded["verb"]["id"] == statement["verb"]["id"]
    assert forwarded["object"]["id"] == statement["object"]["id"]
    assert OutboxEntry.objects.filter(endpoint=ralph_endpoint).count() == 1
    assert _entry(ralph_endpoint, statement["id"]).sent_at is not None


@pytest.mark.django_db
def test_forward_statements_endpoint_option_serves_only_that_endpoint(ralph, ralph_endpoint):
    elsewhere = ForwardingEndpointFactory(name="Elsewhere", url=refused_url())
    [statement_id] = _store(statement_data())

    call_command("forward_statements", "--once", "--endpoint", "City LRS", stdout=io.StringIO())

    assert _entry(ralph_endpoint, statement_id).sent_at is not None
    untouched = _entry(elsewhere, statement_id)
    assert (untouched.sent_at, untouched.attempts) == (None, 0)


@pytest.mark.django_db
def test_an_unreachable_lrs_keeps_statements_queued_until_it_is_back(ralph):
    endpoint = ForwardingEndpointFactory(url=refused_url())
    [statement_id] = _store(statement_data())
    now = timezone.now()

    report = outbox_deliver(endpoint=endpoint, now=now)
    too_soon = outbox_deliver(endpoint=endpoint, now=now + ENDPOINT_BASE_DELAY / 4)

    entry = _entry(endpoint, statement_id)
    assert (report.delivered, report.unsent) == (0, 1)
    assert "ConnectionRefusedError" in report.error
    # The entry stays due; the endpoint's back-off keeps the worker away.
    assert (entry.sent_at, entry.attempts, entry.rejections) == (None, 1, 0)
    assert (entry.next_attempt_at, entry.claimed_by) == (now, "")
    assert (too_soon.delivered, too_soon.unsent) == (0, 0)
    endpoint.refresh_from_db()
    assert "ConnectionRefusedError" in endpoint.last_error
    assert endpoint.last_error_at == now
    assert endpoint.failures == 1
    assert now + ENDPOINT_BASE_DELAY / 2 <= endpoint.backoff_until <= now + ENDPOINT_BASE_DELAY
    assert report.backoff_until == endpoint.backoff_until

    _point_at(endpoint, ralph)
    back = outbox_deliver(endpoint=endpoint, now=endpoint.backoff_until)

    assert back.delivered == 1
    assert len(ralph.statements_with_id(statement_id)) == 1
    endpoint.refresh_from_db()
    assert (endpoint.failures, endpoint.backoff_until) == (0, None)


@pytest.mark.django_db
def test_a_password_the_secret_key_cannot_decrypt_is_reported_on_the_endpoint(settings):
    endpoint = ForwardingEndpointFactory(password="set-under-the-old-key")
    [statement_id] = _store(statement_data())
    settings.SECRET_KEY = "a-new-secret-key-without-the-old-one-as-fallback"

    report = outbox_deliver(endpoint=endpoint)

    endpoint.refresh_from_db()
    assert report.error.startswith("The stored password cannot be decrypted")
    assert endpoint.last_error == report.error
    entry = _entry(endpoint, statement_id)
    assert (entry.sent_at, entry.attempts) == (None, 0)


def _deliver_on_a_thread(endpoint, reports: list) -> None:
    try:
        reports.append(outbox_deliver(endpoint=endpoint))
    finally:
        connection.close()


# Committed data: the worker thread has a database connection of its own, which sees only what
# is committed, and the test is about the locks two connections hold.
@pytest.mark.django_db(transaction=True)
def test_a_silent_lrs_times_out_without_blocking_learners_or_losing_statements(client):
    with SilentLrs() as silent:
        endpoint = ForwardingEndpointFactory(url=silent.url, timeout_seconds=1)
        [first] = _store(statement_data())
        reports: list = []
        worker = threading.Thread(target=_deliver_on_a_thread, args=(endpoint, reports))
        worker.start()
        # The worker has sent its batch and waits for an answer that never comes...
        assert silent.received.wait(30)
        # ...while a learner's statement is stored: no lock of the worker's is in the way.
        [second] = _store(statement_data())
        worker.join(60)

    assert not worker.is_alive()
    [report] = reports
    assert (report.delivered, report.unsent) == (0, 1)
    assert report.error.startswith("No answer within the timeout")
    waiting = _entry(endpoint, first)
    assert (waiting.sent_at, waiting.attempts) == (None, 1)
    assert waiting.last_error.startswith("No answer within the timeout")
    queued = _entry(endpoint, second)
    assert (queued.sent_at, queued.attempts) == (None, 0)


@pytest.mark.django_db
def test_a_5xx_is_retried_with_back_off_and_nothing_is_lost(ralph):
    answer = (500, {"Content-Type": "application/json"}, b'{"message": "database down"}')
    with ScriptedLrs(lambda request: answer) as peer:
        endpoint = ForwardingEndpointFactory(url=peer.url, batch_size=2)
        ids = _store(statement_data(), statement_data(), statement_data())
        now = timezone.now()
        report = outbox_deliver(endpoint=endpoint, now=now)

    # One refused batch is enough: the worker leaves a failing peer alone.
    assert len(peer.received) == 1
    assert (report.delivered, report.unsent, report.error) == (0, 2, "HTTP 500: database down")
    for statement_id in ids[:2]:
        entry = _entry(endpoint, statement_id)
        assert (entry.attempts, entry.last_error) == (1, "HTTP 500: database down")
        assert entry.next_attempt_at == now
    endpoint.refresh_from_db()
    assert now + ENDPOINT_BASE_DELAY / 2 <= endpoint.backoff_until <= now + ENDPOINT_BASE_DELAY

    _point_at(endpoint, ralph)
    back = outbox_deliver(endpoint=endpoint, now=now + ENDPOINT_BASE_DELAY)

    assert back.delivered == 3
    for statement_id in ids:
        assert len(ralph.statements_with_id(statement_id)) == 1


@pytest.mark.django_db
def test_a_503_retry_after_is_honoured():
    answer = (503, {"Retry-After": "120"}, b"maintenance")
    with ScriptedLrs(lambda request: answer) as peer:
        endpoint = ForwardingEndpointFactory(url=peer.url)
        [statement_id] = _store(statement_data())
        now = timezone.now()
        outbox_deliver(endpoint=endpoint, now=now)

    entry = _entry(endpoint, statement_id)
    endpoint.refresh_from_db()
    assert endpoint.backoff_until == now + timedelta(seconds=120)
    assert (entry.next_attempt_at, entry.last_error) == (now, "HTTP 503: maintenance")


@pytest.mark.django_db
def test_refused_credentials_are_recorded_and_retried_later(ralph):
    endpoint = ForwardingEndpointFactory(url=ralph.url, username=ralph.key, password="wrong-one")
    [statement_id] = _store(statement_data())
    now = timezone.now()

    report = outbox_deliver(endpoint=endpoint, now=now)

    endpoint.refresh_from_db()
    entry = _entry(endpoint, statement_id)
    assert report.error == "HTTP 401: Invalid authentication credentials"
    assert endpoint.last_error == "HTTP 401: Invalid authentication credentials"
    assert (entry.sent_at, entry.attempts, entry.rejections, entry.given_up_at) == (
        None,
        1,
        0,
        None,
    )
    assert endpoint.backoff_until > now
    assert ralph.statements_with_id(statement_id) == []

    endpoint.set_password(ralph.secret)
    endpoint.save()
    later = outbox_deliver(endpoint=endpoint, now=endpoint.backoff_until)

    assert later.delivered == 1
    assert len(ralph.statements_with_id(statement_id)) == 1


@pytest.mark.django_db
def test_a_worker_killed_after_the_peer_accepted_leaves_no_duplicate(ralph, ralph_endpoint):
    ids = _store(statement_data(), statement_data())
    now = timezone.now()

    claimed = outbox_claim(endpoint=ralph_endpoint, now=now)
    with transport_for(ralph_endpoint) as transport:
        outcome = outbox_send(transport=transport, entries=claimed)
    # The worker dies here: Ralph holds the batch, the outbox does not know it yet.

    assert sorted(outcome.delivered) == sorted(entry.pk for entry in claimed)
    assert OutboxEntry.objects.filter(endpoint=ralph_endpoint, sent_at=None).count() == 2
    # While the dead worker's claim lasts, no other worker takes the entries...
    assert outbox_deliver(endpoint=ralph_endpoint, now=now + timedelta(seconds=1)).delivered == 0

    # ...after it, they are sent again, and Ralph keeps one copy of each.
    report = outbox_deliver(endpoint=ralph_endpoint, now=now + claim_lease(ralph_endpoint))

    assert report.delivered == 2
    for statement_id in ids:
        assert len(ralph.statements_with_id(statement_id)) == 1
        assert _entry(ralph_endpoint, statement_id).sent_at is not None


@pytest.mark.django_db
def test_two_workers_claim_different_batches():
    endpoint = ForwardingEndpointFactory(batch_size=2)
    _store(statement_data(), statement_data(), statement_data())
    now = timezone.now()

    first = outbox_claim(endpoint=endpoint, now=now)
    second = outbox_claim(endpoint=endpoint, now=now)
    third = outbox_claim(endpoint=endpoint, now=now)

    assert (len(first), len(second), third) == (2, 1, [])
    assert not {entry.pk for entry in first} & {entry.pk for entry in second}


@pytest.mark.django_db
def test_ralph_409_for_an_id_it_holds_counts_as_delivered_and_the_batch_goes_on(
    ralph, ralph_endpoint
):
    ours, other = statement_data(), statement_data()
    # Ralph already holds a different statement under our id (sent by some other system).
    attempted = {"id": "http://adlnet.gov/expapi/verbs/attempted"}
    ralph.post([{**ours, "verb": attempted}])
    _store(ours, other)

    report = outbox_deliver(endpoint=ralph_endpoint)

    assert (report.delivered, report.unsent, report.rejected) == (2, 0, 0)
    entry = _entry(ralph_endpoint, ours["id"])
    assert entry.sent_at is not None
    assert entry.last_error.startswith("The peer already holds this id (409): Differing statements")
    assert [s["verb"]["id"] for s in ralph.statements_with_id(ours["id"])] == [attempted["id"]]
    assert len(ralph.statements_with_id(other["id"])) == 1


@pytest.mark.django_db
def test_a_statement_the_peer_refuses_is_given_up_visibly_without_blocking_others():
    good, bad, later = statement_data(), statement_data(), statement_data()
    accepted = []

    def answer(request):
        if bad["id"].encode() in request.body:
            return 400, {"Content-Type": "application/json"}, b'{"message": "unknown verb"}'
        accepted.extend(statement["id"] for statement in json.loads(request.body))
        return _ok(request)

    with ScriptedLrs(answer) as peer:
        endpoint = ForwardingEndpointFactory(url=peer.url)
        _store(good, bad, later)
        now = timezone.now()
        first = outbox_deliver(endpoint=endpoint, now=now)
        for attempt in range(1, MAX_REJECTIONS):
            outbox_deliver(endpoint=endpoint, now=now + attempt * MAX_DELAY)
        sent_so_far = len(peer.received)
        outbox_deliver(endpoint=endpoint, now=now + 10 * MAX_DELAY)

    assert (first.delivered, first.rejected, first.given_up) == (2, 1, 0)
    assert _entry(endpoint, good["id"]).sent_at is not None
    assert _entry(endpoint, later["id"]).sent_at is not None
    refused = _entry(endpoint, bad["id"])
    assert (refused.sent_at, refused.rejections) == (None, MAX_REJECTIONS)
    assert refused.given_up_at == now + (MAX_REJECTIONS - 1) * MAX_DELAY
    assert refused.last_error == "HTTP 400: unknown verb"
    assert len(peer.received) == sent_so_far  # given up: not sent again
    assert sorted(accepted) == sorted([good["id"], later["id"]])
    endpoint.refresh_from_db()
    assert endpoint.last_error.startswith("1 statement(s) refused by the peer; first: HTTP 400")


def test_retry_delay_doubles_with_jitter_up_to_the_cap():
    rng = random.Random(7)

    delays = [retry_delay(attempts, rng=rng) for attempts in (1, 2, 3, 20)]

    assert BASE_DELAY / 2 <= delays[0] <= BASE_DELAY
    assert BASE_DELAY <= delays[1] <= 2 * BASE_DELAY
    assert 2 * BASE_DELAY <= delays[2] <= 4 * BASE_DELAY
    assert MAX_DELAY / 2 <= delays[3] <= MAX_DELAY
    assert len({delay.total_seconds() for delay in delays}) == 4
