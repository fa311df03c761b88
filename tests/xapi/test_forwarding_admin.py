"""Forwarding endpoints in the CMS: their state in the list, and turning one back on with or
without the statements stored while it was off (sent to a real Ralph), audited."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.factories import ForwardingEndpointFactory, statement_data
from xapi.forwarding import outbox_deliver
from xapi.models import ForwardingEndpoint, OutboxEntry, Statement
from xapi.services import statements_store

ENDPOINTS = "/cms/snippets/xapi/forwardingendpoint/"
STATE = re.compile(r"Healthy|Backing off until \d\d:\d\d|Failing, trying again now|Turned off")


def _form(endpoint: ForwardingEndpoint, **overrides) -> dict:
    form = {
        "name": endpoint.name,
        "url": endpoint.url,
        "version": endpoint.version,
        "username": endpoint.username,
        "password": "",
        "enabled": "on",
        "batch_size": str(endpoint.batch_size),
        "timeout_seconds": str(endpoint.timeout_seconds),
    }
    return {key: value for key, value in {**form, **overrides}.items() if value is not None}


def _store(count: int) -> list[str]:
    return statements_store(statements=[statement_data() for _ in range(count)], client=None)


def _queued(endpoint: ForwardingEndpoint) -> list[str]:
    entries = OutboxEntry.objects.filter(endpoint=endpoint).order_by("pk")
    return [str(uuid) for uuid in entries.values_list("statement__statement_id", flat=True)]


def _turn_off(client, endpoint: ForwardingEndpoint) -> None:
    response = client.post(f"{ENDPOINTS}edit/{endpoint.pk}/", _form(endpoint, enabled=None))
    assert response.status_code == 302
    endpoint.refresh_from_db()


def _audited_backfills(endpoint: ForwardingEndpoint) -> list:
    entries = ModelLogEntry.objects.filter(
        action="lms.forwarding_endpoint.change", object_id=str(endpoint.pk)
    ).order_by("pk")
    return [
        (entry.data["after"].get("enabled"), entry.data["after"].get("backfill"))
        for entry in entries
    ]


@pytest.mark.django_db
def test_turned_back_on_an_endpoint_gets_only_new_statements_by_default(client, administrator):
    endpoint = ForwardingEndpointFactory(name="City LRS")
    client.force_login(administrator)
    _turn_off(client, endpoint)
    _store(2)  # while it is off: not queued for it

    page = client.get(f"{ENDPOINTS}edit/{endpoint.pk}/").content.decode()
    response = client.post(f"{ENDPOINTS}edit/{endpoint.pk}/", _form(endpoint, backfill="none"))
    later = _store(1)

    assert "If you turn this endpoint back on, which statements should it be sent?" in page
    assert "Only statements stored from now on" in page
    assert "Also the statements stored while it was off (since " in page
    assert "The default is to send only new ones" in page
    assert response.status_code == 302
    assert _queued(endpoint) == later
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_at) == (True, None)
    assert _audited_backfills(endpoint) == [
        (False, None),
        (True, {"since": None, "queued": 0}),
    ]


@pytest.mark.django_db
def test_statements_stored_while_off_reach_ralph_once_when_backfilled(
    client, administrator, ralph, ralph_endpoint
):
    [before_off] = _store(1)
    assert outbox_deliver(endpoint=ralph_endpoint).delivered == 1
    client.force_login(administrator)
    _turn_off(client, ralph_endpoint)
    while_off = _store(2)

    response = client.post(
        f"{ENDPOINTS}edit/{ralph_endpoint.pk}/", _form(ralph_endpoint, backfill="while_off")
    )
    report = outbox_deliver(endpoint=ralph_endpoint)

    assert response.status_code == 302
    assert _queued(ralph_endpoint) == [before_off, *while_off]
    assert (report.delivered, report.error) == (2, "")
    for statement_id in [before_off, *while_off]:
        assert len(ralph.statements_with_id(statement_id)) == 1
    [(_, audited)] = _audited_backfills(ralph_endpoint)[1:]
    assert audited == {"since": ralph_endpoint.disabled_at.isoformat(), "queued": 2}


@pytest.mark.django_db
def test_backfill_since_a_date_queues_what_was_stored_from_that_day_without_duplicates(
    client, administrator
):
    endpoint = ForwardingEndpointFactory(name="City LRS", enabled=False)
    old, recent, already = _store(3)
    today = timezone.localdate()
    Statement.objects.filter(statement_id=old).update(stored=timezone.now() - timedelta(days=10))
    Statement.objects.filter(statement_id=recent).update(stored=timezone.now() - timedelta(days=2))
    OutboxEntry.objects.create(
        endpoint=endpoint,
        statement=Statement.objects.get(statement_id=already),
        next_attempt_at=timezone.now(),
        sent_at=timezone.now(),
    )
    client.force_login(administrator)

    page = client.get(f"{ENDPOINTS}edit/{endpoint.pk}/").content.decode()
    response = client.post(
        f"{ENDPOINTS}edit/{endpoint.pk}/",
        _form(endpoint, backfill="since", backfill_since=str(today - timedelta(days=3))),
    )

    # Turned off before the time was recorded: no "while it was off" choice.
    assert "Also the statements stored while it was off" not in page
    assert response.status_code == 302
    assert _queued(endpoint) == [already, recent]
    assert OutboxEntry.objects.get(statement__statement_id=already).sent_at is not None


@pytest.mark.django_db
def test_the_backfill_choice_is_checked(client, administrator):
    endpoint = ForwardingEndpointFactory(name="City LRS", enabled=False)
    client.force_login(administrator)
    edit = f"{ENDPOINTS}edit/{endpoint.pk}/"
    tomorrow = str(timezone.localdate() + timedelta(days=1))

    no_date = client.post(edit, _form(endpoint, backfill="since"))
    future = client.post(edit, _form(endpoint, backfill="since", backfill_since=tomorrow))
    still_off = client.post(edit, _form(endpoint, enabled=None, backfill="since"))

    assert no_date.context["form"].errors == {
        "backfill_since": ["Enter the date to send statements from."]
    }
    assert future.context["form"].errors == {
        "backfill_since": ["The date must be today or in the past."]
    }
    assert still_off.context["form"].errors == {
        "backfill_since": ["Enter the date to send statements from."],
        "backfill": ["Tick Enabled to send earlier statements."],
    }
    endpoint.refresh_from_db()
    assert endpoint.enabled is False


@pytest.mark.django_db
def test_an_enabled_endpoint_has_no_backfill_choice(client, administrator):
    endpoint = ForwardingEndpointFactory(name="City LRS")
    client.force_login(administrator)

    page = client.get(f"{ENDPOINTS}edit/{endpoint.pk}/").content.decode()

    assert 'name="backfill"' not in page


@pytest.mark.django_db
def test_endpoint_list_shows_each_endpoints_state(client, administrator):
    now = timezone.now()
    ForwardingEndpointFactory(name="A healthy LRS")
    ForwardingEndpointFactory(
        name="B failing LRS",
        failures=3,
        backoff_until=now + timedelta(minutes=2),
        last_error="HTTP 503: maintenance",
    )
    ForwardingEndpointFactory(name="C retried LRS", failures=1, backoff_until=now)
    ForwardingEndpointFactory(name="D switched-off LRS", enabled=False)
    client.force_login(administrator)

    response = client.get(ENDPOINTS)

    until = timezone.localtime(now + timedelta(minutes=2)).strftime("%H:%M")
    assert STATE.findall(response.content.decode()) == [
        "Healthy",
        f"Backing off until {until}",
        "Failing, trying again now",
        "Turned off",
    ]
    assert "HTTP 503: maintenance" in response.content.decode()
