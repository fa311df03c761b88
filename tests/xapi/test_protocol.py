"""The LRS's HTTP protocol: about, versions, credentials and scopes, alternate syntax."""

import json
from urllib.parse import urlencode

import pytest
import requests
import tincan

from tests.xapi.lrs import Lrs, statement
from xapi.models import LrsClient, Statement
from xapi.services import lrs_client_upsert

pytestmark = pytest.mark.django_db(transaction=True)


def test_about_needs_no_credentials_and_lists_both_versions(live_server):
    response = requests.get(f"{live_server.url}/xapi/about", timeout=10)

    assert response.status_code == 200
    assert {"1.0.3", "2.0.0"} <= set(response.json()["version"])


@pytest.mark.parametrize("path", ["statements", "statements/", "activities/state", "about/"])
def test_paths_work_with_and_without_a_trailing_slash(lrs, path):
    assert lrs.get(path).status_code != 404


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


def test_missing_credentials_get_a_basic_challenge(live_server, lrs_client):
    response = requests.get(
        f"{live_server.url}/xapi/statements",
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=10,
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="xAPI"'


@pytest.mark.parametrize(
    ("key", "secret"), [("test-key", "wrong-secret"), ("nobody", "test-secret-123")]
)
def test_wrong_credentials_are_refused(live_server, lrs_client, key, secret):
    response = Lrs(f"{live_server.url}/xapi", key, secret).get("statements")

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "The key or secret is wrong."


def test_a_deactivated_client_is_refused_at_once(lrs, lrs_client):
    assert lrs.get("statements").status_code == 200
    LrsClient.objects.filter(pk=lrs_client.pk).update(is_active=False)

    assert lrs.get("statements").status_code == 401


def test_secrets_are_stored_hashed(lrs_client):
    assert "test-secret-123" not in lrs_client.secret_hash
    assert lrs_client.check_secret("test-secret-123")


def test_read_only_client_cannot_write(live_server, lrs_client):
    lrs_client_upsert(name="Reader", key="reader", secret="reader-secret", scopes=["all/read"])
    reader = Lrs(f"{live_server.url}/xapi", "reader", "reader-secret")

    response = reader.post_statements(statement())

    assert response.status_code == 403
    assert Statement.objects.count() == 0


def test_read_mine_sees_only_its_own_statements(live_server, lrs):
    lrs_client_upsert(
        name="Course tool",
        key="tool",
        secret="tool-secret",
        scopes=["statements/write", "statements/read/mine"],
    )
    tool = Lrs(f"{live_server.url}/xapi", "tool", "tool-secret")
    mine, theirs = statement(), statement()
    tool.post_statements(mine)
    lrs.post_statements(theirs)

    assert tool.statement_ids() == [mine["id"]]
    assert tool.get("statements", params={"statementId": theirs["id"]}).status_code == 404


def test_create_lrs_client_command_is_idempotent_on_name(transactional_db):
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


def test_create_lrs_client_refuses_unknown_scopes(transactional_db):
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
def test_create_lrs_client_refuses_bad_credentials_with_a_message(
    transactional_db, key, secret, message
):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=message):
        call_command("create_lrs_client", "Tool", "--key", key, "--secret", secret)
    assert LrsClient.objects.count() == 0


def alternate(lrs, method, form, *, version="1.0.3", query=None):
    return lrs.session.post(
        f"{lrs.base_url}/statements?" + urlencode(query or {"method": method}),
        data=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Experience-API-Version": version,
        },
        timeout=10,
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


def test_tincan_client_writes_and_reads_the_lrs(lrs, live_server):
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
