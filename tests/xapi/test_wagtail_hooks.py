"""The "Learning records" CMS screens: LRS clients, forwarding endpoints and the outbox."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import ForwardingEndpointFactory, statement_data
from tests.html import texts
from xapi.models import ForwardingEndpoint, LrsClient, OutboxEntry
from xapi.services import lrs_client_upsert, statements_store

CLIENTS = "/cms/snippets/xapi/lrsclient/"
ENDPOINTS = "/cms/snippets/xapi/forwardingendpoint/"
OUTBOX = "/cms/snippets/xapi/outboxentry/"


@pytest.mark.django_db
def test_administrator_creates_an_lrs_client_whose_secret_is_stored_hashed(client, administrator):
    client.force_login(administrator)

    response = client.post(
        f"{CLIENTS}add/",
        {
            "name": "Authoring tool",
            "key": "authoring",
            "secret": "a-long-secret",
            "scopes": ["statements/write", "statements/read/mine"],
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    created = LrsClient.objects.get(key="authoring")
    assert created.scopes == ["statements/write", "statements/read/mine"]
    assert created.check_secret("a-long-secret")
    assert "a-long-secret" not in created.secret_hash
    edit_page = client.get(f"{CLIENTS}edit/{created.pk}/").content.decode()
    assert 'type="password"' in edit_page
    assert created.secret_hash not in edit_page


@pytest.mark.django_db
def test_editing_an_lrs_client_without_a_secret_keeps_the_old_one(client, administrator):
    lrs_client, _ = lrs_client_upsert(
        name="Authoring tool", key="authoring", secret="first-secret", scopes=["all"]
    )
    client.force_login(administrator)

    response = client.post(
        f"{CLIENTS}edit/{lrs_client.pk}/",
        {"name": "Authoring tool", "key": "authoring", "secret": "", "scopes": ["all/read"]},
    )

    assert response.status_code == 302
    lrs_client.refresh_from_db()
    assert lrs_client.scopes == ["all/read"]
    assert lrs_client.is_active is False
    assert lrs_client.check_secret("first-secret")


@pytest.mark.django_db
def test_a_new_lrs_client_needs_a_secret_and_a_key_without_a_colon(client, administrator):
    client.force_login(administrator)

    response = client.post(
        f"{CLIENTS}add/", {"name": "Broken", "key": "bro:ken", "secret": "", "scopes": ["all"]}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert texts(html, "//*[@id='panel-child-key-errors']//p") == [
        "The key cannot contain a colon."
    ]
    assert texts(html, "//*[@id='panel-child-secret-errors']//p") == ["This field is required."]
    assert texts(html, "//p[contains(@class, 'error-message')]") == [
        "The key cannot contain a colon.",
        "This field is required.",
    ]
    assert not LrsClient.objects.filter(name="Broken").exists()


def _endpoint_form(**overrides) -> dict:
    form = {
        "name": "City LRS",
        "url": "https://lrs.city.example.gov/xapi/",
        "version": "1.0.3",
        "username": "academy",
        "password": "peer-password-1",
        "enabled": "on",
        "batch_size": "50",
        "timeout_seconds": "10",
    }
    return {**form, **overrides}


@pytest.mark.django_db
def test_endpoint_password_is_stored_encrypted_and_never_shown(client, administrator):
    client.force_login(administrator)

    created = client.post(f"{ENDPOINTS}add/", _endpoint_form())
    endpoint = ForwardingEndpoint.objects.get(name="City LRS")
    edit_page = client.get(f"{ENDPOINTS}edit/{endpoint.pk}/").content.decode()
    kept = client.post(f"{ENDPOINTS}edit/{endpoint.pk}/", _endpoint_form(password=""))

    assert (created.status_code, kept.status_code) == (302, 302)
    assert "peer-password-1" not in endpoint.password_encrypted
    assert 'name="password"' in edit_page
    assert 'type="password"' in edit_page
    assert "peer-password-1" not in edit_page
    assert endpoint.password_encrypted not in edit_page
    endpoint.refresh_from_db()
    assert endpoint.get_password() == "peer-password-1"


@pytest.mark.django_db
def test_endpoint_form_refuses_a_password_without_a_user_name_and_a_zero_timeout(
    client, administrator
):
    client.force_login(administrator)

    response = client.post(f"{ENDPOINTS}add/", _endpoint_form(username="", timeout_seconds="0"))

    html = response.content.decode()
    assert response.status_code == 200
    assert texts(html, "//*[@id='panel-child-username-errors']//p") == [
        "Enter the user name the password belongs to."
    ]
    assert texts(html, "//*[@id='panel-child-timeout_seconds-errors']//p") == ["Enter 1 or more."]
    assert texts(html, "//p[contains(@class, 'error-message')]") == [
        "Enter the user name the password belongs to.",
        "Enter 1 or more.",
    ]
    assert not ForwardingEndpoint.objects.exists()


@pytest.mark.django_db
def test_endpoint_list_shows_backlog_given_up_and_last_error(client, administrator):
    endpoint = ForwardingEndpointFactory(name="City LRS")
    statements_store(statements=[statement_data() for _ in range(3)], client=None)
    entries = list(OutboxEntry.objects.filter(endpoint=endpoint).order_by("pk"))
    OutboxEntry.objects.filter(pk=entries[0].pk).update(sent_at=timezone.now())
    OutboxEntry.objects.filter(pk=entries[1].pk).update(given_up_at=timezone.now())
    ForwardingEndpoint.objects.filter(pk=endpoint.pk).update(
        last_error="HTTP 401: Invalid authentication credentials", last_error_at=timezone.now()
    )
    client.force_login(administrator)

    response = client.get(ENDPOINTS)

    listed = response.context["object_list"]
    assert [(e.name, e.backlog, e.given_up) for e in listed] == [("City LRS", 1, 1)]
    html = response.content.decode()
    assert texts(html, "//main//table//tr[1]/th") == [
        "",
        "Name",
        "Url",
        "Enabled",
        "State",
        "Waiting",
        "Given up",
        "Last success",
        "Last error at",
        "Last error",
    ]
    assert texts(html, "//main//table//tr[td]/td[last()]") == [
        "HTTP 401: Invalid authentication credentials"
    ]


def _queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_endpoint_and_outbox_lists_cost_the_same_queries_for_more_rows(client, administrator):
    client.force_login(administrator)
    ForwardingEndpointFactory()
    statements_store(statements=[statement_data()], client=None)
    _queries_for(client, ENDPOINTS)  # the first request fills per-process caches
    few = (_queries_for(client, ENDPOINTS), _queries_for(client, OUTBOX))

    for _ in range(4):
        ForwardingEndpointFactory()
    statements_store(statements=[statement_data() for _ in range(3)], client=None)
    many = (_queries_for(client, ENDPOINTS), _queries_for(client, OUTBOX))

    assert OutboxEntry.objects.count() == 1 + 3 * 5
    assert many == few


@pytest.mark.django_db
def test_a_given_up_entry_can_be_sent_again(client, administrator):
    endpoint = ForwardingEndpointFactory()
    statements_store(statements=[statement_data()], client=None)
    entry = OutboxEntry.objects.get(endpoint=endpoint)
    OutboxEntry.objects.filter(pk=entry.pk).update(
        given_up_at=timezone.now(), rejections=5, attempts=5, last_error="HTTP 400: bad verb"
    )
    client.force_login(administrator)

    listing = client.get(OUTBOX, {"state": "given_up"}).content.decode()
    response = client.post(f"{OUTBOX}edit/{entry.pk}/", {"requeue": "on"})

    assert "HTTP 400: bad verb" in listing
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.given_up_at, entry.rejections, entry.attempts) == (None, 0, 5)
    assert entry.next_attempt_at <= timezone.now()
