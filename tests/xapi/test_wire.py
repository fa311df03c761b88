"""The LRS over real HTTP: what only a running server shows (framing, Content-Length, chunked
bodies, HEAD, methods it does not answer, clients that open their own connections).

Every other protocol test runs in-process (see conftest.py). These share one live server and LRS
client for the module, made on committed data: the server's thread (on PostgreSQL, a connection
of its own) must see the client. Each test runs in a transaction of its own and reads what the
server stored; on PostgreSQL the server commits it, so the tests tell their statements apart by
id, and the module's commits are undone once at its end, as a test on committed data undoes its
own, rather than after every test."""

import json

import pytest
import requests
import tincan
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from pytest_django.live_server_helper import LiveServer

from tests.xapi.lrs import Lrs, statement
from tests.xapi.test_attachments import declared, multipart, read_multipart
from xapi.models import Attachment, Statement
from xapi.services import lrs_client_upsert

# serialized_rollback asks for the migrated rows to be kept, for the module's end to put back.
pytestmark = pytest.mark.django_db(serialized_rollback=True)


def _undo_commits() -> None:
    """What a test on committed data does after itself: empty the database and put the
    migrated rows back."""
    # A Wagtail page looks its content type up as it is built, making the row if it is not
    # cached: with every content type cached first, loading the pages back makes none twice.
    ContentType.objects.get_for_models(*apps.get_models())
    call_command(
        "flush",
        verbosity=0,
        interactive=False,
        reset_sequences=False,
        allow_cascade=False,
        inhibit_post_migrate=True,
    )
    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@pytest.fixture(scope="module")
def wire(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        lrs_client, _ = lrs_client_upsert(
            name="Test client", key="test-key", secret="test-secret-123", scopes=["all"]
        )
    server = LiveServer("localhost")
    try:
        yield server, lrs_client
    finally:
        server.stop()
        with django_db_blocker.unblock():
            _undo_commits()


# Named apart from pytest-django's live_server, which would make every test commit.
@pytest.fixture
def server(wire):
    return wire[0]


@pytest.fixture
def lrs_client(wire):
    return wire[1]


@pytest.fixture
def live_lrs(server):
    return Lrs(f"{server.url}/xapi", "test-key", "test-secret-123")


def test_about_over_http_needs_no_credentials(server):
    response = requests.get(f"{server.url}/xapi/about", timeout=10)

    assert response.status_code == 200
    assert response.json() == {
        "version": ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"],
        "extensions": {},
    }


def test_a_statement_posted_over_http_is_read_back_with_what_the_lrs_adds(live_lrs, lrs_client):
    sent = statement()

    posted = live_lrs.post_statements(sent)
    fetched = live_lrs.get("statements", params={"statementId": sent["id"]})

    assert (posted.status_code, posted.json()) == (200, [sent["id"]])
    assert fetched.status_code == 200
    stored = fetched.json()
    assert stored == {
        **sent,
        "stored": stored["stored"],
        "timestamp": stored["stored"],
        "authority": lrs_client.authority,
        "version": "1.0.0",
    }
    assert fetched.headers["Content-Length"] == str(len(fetched.content))


def test_multipart_attachments_travel_both_ways_byte_for_byte(live_lrs):
    content = bytes(range(256)) * 40  # every byte value, CR and LF included, over 10 KB
    sha2 = declared(content)["sha2"]
    sent = statement(attachments=[declared(content, "application/octet-stream")])
    body, headers = multipart(sent, [("application/octet-stream", content, sha2)])

    posted = live_lrs.post("statements", data=body, headers=headers)
    fetched = live_lrs.get("statements", params={"statementId": sent["id"], "attachments": "true"})

    assert (posted.status_code, posted.json()) == (200, [sent["id"]])
    assert bytes(Attachment.objects.get(sha2=sha2).content) == content
    [(_, statement_body), *attachment_parts] = read_multipart(fetched)
    assert json.loads(statement_body)["attachments"] == sent["attachments"]
    assert attachment_parts == [
        (
            {
                "Content-Type": "application/octet-stream",
                "Content-Transfer-Encoding": "binary",
                "X-Experience-API-Hash": sha2,
            },
            content,
        )
    ]


def test_a_chunked_body_is_refused_with_411_rather_than_misread(live_lrs):
    body = json.dumps(statement()).encode()

    stored_before = Statement.objects.count()
    # A generator makes requests send the body chunked, without a Content-Length.
    response = live_lrs.post(
        "statements",
        data=iter([body[:10], body[10:]]),
        headers={"Content-Type": "application/json"},
    )

    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert response.status_code == 411
    assert response.json()["error"] == {
        "code": 411,
        "message": "Send the body with a Content-Length header; chunked bodies are not accepted.",
    }
    assert Statement.objects.count() == stored_before


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(live_lrs, settings):
    settings.XAPI_MAX_BODY_BYTES = 2_000

    response = live_lrs.post(
        "statements", data=b"[" + b" " * 5_000 + b"]", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["error"]["message"] == "The request body is larger than 2000 bytes."


def test_head_over_http_sends_the_headers_of_a_get_and_no_body(live_lrs):
    sent = statement()
    live_lrs.post_statements(sent)

    head = live_lrs.request("HEAD", "statements", params={"statementId": sent["id"]})
    get = live_lrs.get("statements", params={"statementId": sent["id"]})

    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["Last-Modified"] == get.headers["Last-Modified"]
    assert "X-Experience-API-Consistent-Through" in head.headers


def test_options_is_not_answered_and_no_cross_origin_access_is_granted(live_lrs):
    # Content is launched from the platform's own origin, so the LRS grants no cross-origin
    # access: a method it does not serve is a 405 naming the ones it does.
    response = live_lrs.request("OPTIONS", "statements")

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, POST, PUT"
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.json() == {"error": {"code": 405, "message": "OPTIONS is not allowed here."}}


def test_alternate_request_syntax_over_http(live_lrs):
    sent = statement()

    def form_post(method: str, form: dict):
        return live_lrs.session.post(
            f"{live_lrs.base_url}/statements",
            params={"method": method},
            data={**form, "X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )

    put = form_post("PUT", {"statementId": sent["id"], "content": json.dumps(sent)})
    got = form_post("GET", {"statementId": sent["id"]})

    assert put.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert (put.status_code, put.content) == (204, b"")
    assert got.status_code == 200
    assert {key: got.json()[key] for key in sent} == sent


def test_tincan_client_writes_and_reads_the_lrs(live_lrs, server):
    remote = tincan.RemoteLRS(
        endpoint=f"{server.url}/xapi/",
        username="test-key",
        password="test-secret-123",
        version="1.0.3",
    )
    sent = statement()

    saved = remote.save_statement(tincan.Statement(sent))
    fetched = remote.retrieve_statement(sent["id"])

    assert saved.success, saved.data
    assert fetched.success
    assert str(fetched.content.id) == sent["id"]
    assert Statement.objects.filter(statement_id=sent["id"]).count() == 1
