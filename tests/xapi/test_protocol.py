"""The LRS's HTTP protocol: about, versions, credentials and scopes, alternate syntax."""

import json
from urllib.parse import urlencode

import pytest

from tests.xapi.lrs import InProcessLrs, statement
from xapi.models import LrsClient, Statement
from xapi.services import lrs_client_upsert

pytestmark = pytest.mark.django_db

ABOUT = {"version": ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"], "extensions": {}}


def test_about_needs_no_credentials_and_lists_both_versions(client):
    response = client.get("/xapi/about")

    assert response.status_code == 200
    assert response.json() == ABOUT
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


EMPTY = {"statements": [], "more": ""}
STATE = {
    "activityId": "https://example.org/course/1",
    "agent": json.dumps({"objectType": "Agent", "mbox": "mailto:ana@example.org"}),
}


@pytest.mark.parametrize(
    ("path", "params", "body"),
    [
        ("statements", {}, EMPTY),
        ("statements/", {}, EMPTY),
        ("activities/state", STATE, []),
        ("activities/state/", STATE, []),
        ("about", {}, ABOUT),
        ("about/", {}, ABOUT),
    ],
)
def test_paths_work_with_and_without_a_trailing_slash(lrs, path, params, body):
    response = lrs.get(path, params=params)

    assert (response.status_code, response.json()) == (200, body)


def test_version_header_is_required(lrs):
    response = lrs.get("statements", version=False)

    assert response.status_code == 400
    assert "X-Experience-API-Version header is required" in response.json()["error"]["message"]


def test_a_request_without_version_is_answered_in_the_version_the_client_last_used(lrs, lrs2):
    lrs2.get("statements")
    assert lrs.get("statements", version=False).headers["X-Experience-API-Version"] == "2.0.0"

    lrs.get("statements")
    assert lrs.get("statements", version=False).headers["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize("version", ["0.95", "1.1.0", "3.0.0", "1.0.x"])
def test_unsupported_versions_are_refused(lrs, version):
    response = lrs.get("statements", headers={"X-Experience-API-Version": version})

    assert response.status_code == 400
    assert "is not supported" in response.json()["error"]["message"]


@pytest.mark.parametrize(("sent", "answered"), [("1.0.1", "1.0.3"), ("2.0", "2.0.0")])
def test_versions_are_negotiated(lrs, sent, answered):
    response = lrs.get("statements", headers={"X-Experience-API-Version": sent})

    assert response.headers["X-Experience-API-Version"] == answered


def test_missing_credentials_get_a_basic_challenge(client, lrs_client):
    response = client.get("/xapi/statements", headers={"X-Experience-API-Version": "1.0.3"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="xAPI"'
    assert response.json() == {
        "error": {"code": 401, "message": "Credentials are required (HTTP Basic)."}
    }


@pytest.mark.parametrize(
    ("key", "secret"), [("test-key", "wrong-secret"), ("nobody", "test-secret-123")]
)
def test_wrong_credentials_are_refused(lrs_client, key, secret):
    response = InProcessLrs(key, secret).get("statements")

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "The key or secret is wrong."


def test_a_deactivated_client_is_refused_at_once(lrs, lrs_client):
    assert lrs.get("statements").status_code == 200
    LrsClient.objects.filter(pk=lrs_client.pk).update(is_active=False)

    assert lrs.get("statements").status_code == 401


def test_secrets_are_stored_hashed(lrs_client):
    assert "test-secret-123" not in lrs_client.secret_hash
    assert lrs_client.check_secret("test-secret-123")


def test_read_only_client_cannot_write(lrs_client):
    lrs_client_upsert(name="Reader", key="reader", secret="reader-secret", scopes=["all/read"])
    reader = InProcessLrs("reader", "reader-secret")

    response = reader.post_statements(statement())

    assert response.status_code == 403
    assert Statement.objects.count() == 0


def test_read_mine_sees_only_its_own_statements(lrs):
    lrs_client_upsert(
        name="Course tool",
        key="tool",
        secret="tool-secret",
        scopes=["statements/write", "statements/read/mine"],
    )
    tool = InProcessLrs("tool", "tool-secret")
    mine, theirs = statement(), statement()
    tool.post_statements(mine)
    lrs.post_statements(theirs)

    assert tool.statement_ids() == [mine["id"]]
    assert tool.get("statements", params={"statementId": theirs["id"]}).status_code == 404


def test_create_lrs_client_command_is_idempotent_on_name(db):
    from django.core.management import call_command

    call_command(
        "create_lrs_client", "Tool", "--key", "k1", "--secret", "s3cret-one", "--scopes", "all"
    )
    call_command(
        "create_lrs_client",
        "Tool",
        "--key",
        "k2",
        "--secret",
        "s3cret-two",
        "--scopes",
        "statements/write",
    )

    client = LrsClient.objects.get()
    assert (client.key, client.scopes) == ("k2", ["statements/write"])
    assert client.check_secret("s3cret-two")


def test_create_lrs_client_refuses_unknown_scopes(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Unknown scopes: everything"):
        call_command(
            "create_lrs_client",
            "Tool",
            "--key",
            "k",
            "--secret",
            "s3cret-one",
            "--scopes",
            "everything",
        )
    assert LrsClient.objects.count() == 0


@pytest.mark.parametrize(
    ("key", "secret", "message"),
    [("k:1", "s3cret-one", "no colon"), ("", "s3cret-one", "non-empty"), ("k", "short", "8")],
)
def test_create_lrs_client_refuses_bad_credentials_with_a_message(db, key, secret, message):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=message):
        call_command("create_lrs_client", "Tool", "--key", key, "--secret", secret)
    assert LrsClient.objects.count() == 0


def alternate(lrs, method, form, *, version="1.0.3", query=None):
    return lrs.post(
        "statements",
        params=query or {"method": method},
        data=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Experience-API-Version": version,
        },
    )


def test_alternate_syntax_get_and_put(lrs):
    sent = statement()
    put = alternate(lrs, "PUT", {"statementId": sent["id"], "content": json.dumps(sent)})
    got = alternate(lrs, "GET", {"statementId": sent["id"]})

    assert put.status_code == 204
    assert got.status_code == 200
    assert got.json()["id"] == sent["id"]


def test_alternate_syntax_form_fields_act_as_headers(lrs):
    response = alternate(lrs, "GET", {"X-Experience-API-Version": "0.8"})

    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "xAPI version '0.8' is not supported; use 1.0.x or 2.0.x in X-Experience-API-Version."
    )


@pytest.mark.parametrize(
    ("query", "version", "message"),
    [
        ({"method": "GET", "limit": "1"}, "1.0.3", "must be the only query parameter"),
        ({"method": "GET"}, "2.0.0", "xAPI 2.0 does not allow the alternate request syntax"),
        ({"method": "PATCH"}, "1.0.3", "Unknown method"),
    ],
)
def test_alternate_syntax_misuse_is_refused(lrs, query, version, message):
    response = alternate(lrs, "", {}, version=version, query=query)

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_alternate_syntax_must_be_a_post(lrs):
    response = lrs.put("statements", params={"method": "GET"}, data=b"")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": 400,
            "message": "The alternate request syntax must be sent as a POST.",
        }
    }


def test_a_chunked_body_the_server_did_not_pass_on_is_refused_with_411(lrs):
    # A WSGI server gives Django no Content-Length for a chunked body, and Django reads none.
    response = lrs.post(
        "statements", headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"}
    )

    assert response.status_code == 411
    assert response.json()["error"]["message"] == (
        "Send the body with a Content-Length header; chunked bodies are not accepted."
    )


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "statements", "GET, HEAD, POST, PUT"),
        ("OPTIONS", "statements", "GET, HEAD, POST, PUT"),
        ("POST", "activities", "GET, HEAD"),
        ("PUT", "agents", "GET, HEAD"),
        ("POST", "about", "GET, HEAD"),
    ],
)
def test_a_method_a_resource_does_not_serve_is_405_naming_those_it_does(lrs, method, path, allowed):
    response = lrs.request(method, path)

    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
    assert response.json()["error"]["code"] == 405
