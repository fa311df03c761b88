"""The one place tincan's quirks are mended: deadlines, kept-alive connections, xAPI times."""

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from tincan import RemoteLRS, Statement

from tests.xapi.peers import ScriptedLrs, SilentLrs
from xapi.http.multipart import attachment_parts, parse_multipart
from xapi.transport import LrsTransport, xapi_time

JSON = {"Content-Type": "application/json"}


def _page(statements: list, more: str = "") -> tuple[int, dict, bytes]:
    return 200, JSON, json.dumps({"statements": statements, "more": more}).encode()


def test_xapi_time_is_utc_with_a_z_whatever_the_zone():
    moment = datetime(2026, 3, 2, 12, 15, 30, 250000, tzinfo=timezone(timedelta(hours=2)))

    assert xapi_time(moment) == "2026-03-02T10:15:30.250Z"


def test_xapi_time_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        xapi_time(datetime(2026, 3, 2, 10, 15))


def test_tincan_itself_still_serialises_a_naive_datetime_without_an_offset():
    # The quirk xapi_time exists for; if tincan is ever fixed, this test says so.
    statement = Statement(
        actor={"mbox": "mailto:learner@example.org"},
        verb={"id": "http://adlnet.gov/expapi/verbs/experienced"},
        object={"id": "http://example.org/lesson"},
        timestamp=datetime(2026, 3, 2, 10, 15),
    )

    assert json.loads(statement.to_json())["timestamp"] == "2026-03-02T10:15:00"


def test_a_silent_lrs_raises_timeout_error_instead_of_blocking():
    with SilentLrs() as silent, LrsTransport(endpoint=silent.url, timeout=1) as lrs:
        with pytest.raises(TimeoutError):
            lrs.save_statement_data([{"id": "x"}])

        assert silent.received.is_set()


def test_requests_share_one_kept_alive_connection():
    with (
        ScriptedLrs(lambda request: _page([])) as peer,
        LrsTransport(endpoint=peer.url, username="k", password="s") as lrs,
    ):
        first = lrs.query_statements({"limit": 1})
        second = lrs.query_statements({"limit": 1})

    assert (first.success, second.success) == (True, True)
    assert len(peer.received) == 2
    assert peer.connections == 1


def test_query_sends_xapi_times_booleans_version_and_credentials():
    with ScriptedLrs(lambda request: _page([])) as peer:
        lrs = LrsTransport(
            endpoint=peer.url, version="2.0.0", username="key", password="secret", timeout=5
        )
        with lrs:
            lrs.query_statements(
                {"since": datetime(2026, 3, 2, 10, 15, tzinfo=UTC), "ascending": True}
            )

    [request] = peer.received
    query = parse_qs(urlsplit(request.path).query)
    assert query == {"since": ["2026-03-02T10:15:00.000Z"], "ascending": ["true"]}
    assert request.headers["x-experience-api-version"] == "2.0.0"
    assert request.headers["authorization"] == "Basic a2V5OnNlY3JldA=="
    # tincan's own RemoteLRS refuses the version this LRS speaks.
    with pytest.raises(Exception, match="Unsupported Version"):
        RemoteLRS(endpoint=peer.url, version="2.0.0")


def test_an_absolute_more_link_is_followed_on_the_same_lrs():
    with ScriptedLrs(lambda request: _page([])) as peer:
        root = peer.url.removesuffix("/xAPI/")
        with LrsTransport(endpoint=peer.url) as lrs:
            response = lrs.more_statements(f"{root}/xAPI/statements?page=2")

    assert response.success
    assert [request.path for request in peer.received] == ["/xAPI/statements?page=2"]


def test_a_more_link_to_another_host_is_refused():
    with (
        LrsTransport(endpoint="http://127.0.0.1:9/xAPI/") as lrs,
        pytest.raises(ValueError, match="leaves the LRS"),
    ):
        # The same address with more digits in the port is another server.
        lrs.more_statements("http://127.0.0.1:99/xAPI/statements?page=2")


def test_a_page_tincan_cannot_model_comes_back_as_the_lrs_sent_it():
    statement = {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {"mbox": "mailto:learner@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "http://example.org/lesson"},
        "context": {"contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "x"}}]},
        "result": {"duration": "PT5S"},
    }
    with (
        ScriptedLrs(lambda request: _page([statement])) as peer,
        LrsTransport(endpoint=peer.url, version="2.0.0") as lrs,
    ):
        response = lrs.query_statements({"limit": 1})

    assert response.success
    assert response.content is None
    assert json.loads(response.data)["statements"] == [statement]


def test_statements_are_sent_as_stored_and_attachments_as_binary_parts():
    statement = {"id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee", "result": {"duration": "PT5S"}}
    content = bytes(range(256))  # not UTF-8: tincan's HTTPRequest could not carry it
    sha2 = hashlib.sha256(content).hexdigest()
    with (
        ScriptedLrs(lambda request: (200, JSON, b"[]")) as peer,
        LrsTransport(endpoint=peer.url) as lrs,
    ):
        lrs.save_statement_data([statement])
        lrs.save_statement_data([statement], [(sha2, "application/octet-stream", content)])

    plain, multipart = peer.received
    assert plain.headers["content-type"] == "application/json"
    assert json.loads(plain.body) == [statement]
    content_type = multipart.headers["content-type"]
    assert content_type.startswith("multipart/mixed; boundary=")
    parts = parse_multipart(multipart.body, content_type.split("boundary=")[1])
    assert json.loads(parts[0].content) == [statement]
    assert attachment_parts(parts[1:]) == {sha2: ("application/octet-stream", content)}
