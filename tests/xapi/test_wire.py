"""The LRS over real HTTP: what only a running server shows (framing, Content-Length, chunked
bodies, HEAD, methods it does not answer, clients that open their own connections).

Every other protocol test runs in-process (see conftest.py); these few keep the live server,
whose thread needs committed data, so each of them flushes the database afterwards."""

import json

import requests
import tincan

from tests.xapi.lrs import statement
from tests.xapi.test_attachments import declared, multipart, read_multipart
from xapi.models import Attachment, Statement


def test_about_over_http_needs_no_credentials(live_server):
    response = requests.get(f"{live_server.url}/xapi/about", timeout=10)

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
    assert Statement.objects.count() == 0


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


def test_tincan_client_writes_and_reads_the_lrs(live_lrs, live_server):
    remote = tincan.RemoteLRS(
        endpoint=f"{live_server.url}/xapi/",
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
