"""Documents written by everyday xAPI clients: creation without a precondition header."""

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from tincan import (
    Activity,
    ActivityProfileDocument,
    Agent,
    AgentAccount,
    AgentProfileDocument,
    RemoteLRS,
    StateDocument,
)

from xapi.models import Document
from xapi.services import lrs_client_upsert

AGENT = json.dumps(
    {"objectType": "Agent", "account": {"homePage": "https://lms.example.gov", "name": "a1"}}
)
ACTIVITY = "https://lms.example.gov/xapi/activities/course/1"
PLACES = {
    "state": ("/xapi/activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"}),
    "activity profile": ("/xapi/activities/profile", {"activityId": ACTIVITY, "profileId": "p"}),
    "agent profile": ("/xapi/agents/profile", {"agent": AGENT, "profileId": "p"}),
}


def _headers(version="1.0.3", **extra):
    token = base64.b64encode(b"test-key:test-secret-123").decode()
    return {
        "HTTP_AUTHORIZATION": f"Basic {token}",
        "HTTP_X_EXPERIENCE_API_VERSION": version,
        **extra,
    }


def _url(path: str, params: dict) -> str:
    from urllib.parse import urlencode

    return f"{path}?{urlencode(params)}"


@pytest.fixture
def in_process_client(db, client):
    lrs_client_upsert(name="Test client", key="test-key", secret="test-secret-123", scopes=["all"])
    return client


def _put(client, place, body, version="1.0.3", **extra):
    path, params = PLACES[place]
    return client.put(
        _url(path, params),
        data=json.dumps(body),
        content_type="application/json",
        **_headers(version, **extra),
    )


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_put_without_a_precondition_creates_an_absent_document(in_process_client, place, version):
    response = _put(in_process_client, place, {"v": 1}, version)

    assert response.status_code == 204
    assert [bytes(d.content) for d in Document.objects.all()] == [b'{"v": 1}']


@pytest.mark.parametrize("place", ["activity profile", "agent profile"])
def test_put_without_a_precondition_on_an_existing_profile_is_a_conflict(in_process_client, place):
    _put(in_process_client, place, {"v": 1})

    response = _put(in_process_client, place, {"v": 2})

    assert response.status_code == 409
    assert "If-Match" in response.json()["error"]["message"]
    assert [bytes(d.content) for d in Document.objects.all()] == [b'{"v": 1}']


@pytest.mark.parametrize("place", PLACES)
def test_failed_preconditions_on_put_are_412(in_process_client, place):
    stale = _put(in_process_client, place, {"v": 1}, HTTP_IF_MATCH='"0000"')
    _put(in_process_client, place, {"v": 1})
    exists = _put(in_process_client, place, {"v": 2}, HTTP_IF_NONE_MATCH="*")

    assert (stale.status_code, exists.status_code) == (412, 412)
    assert [bytes(d.content) for d in Document.objects.all()] == [b'{"v": 1}']


# -- the real TinCanPython client against the running server --------------------------------


@pytest.fixture
def remote_lrs(live_server, lrs_client):
    return RemoteLRS(
        endpoint=f"{live_server.url}/xapi/",
        version="1.0.3",
        username="test-key",
        password="test-secret-123",
    )


def _agent() -> Agent:
    return Agent(account=AgentAccount(home_page="https://lms.example.gov", name="a1"))


def test_tincan_saves_retrieves_and_deletes_a_state_document(remote_lrs):
    activity = Activity(id=ACTIVITY)
    document = StateDocument(
        id="bookmark",
        activity=activity,
        agent=_agent(),
        content='{"page": 3}',
        content_type="application/json",
    )

    saved = remote_lrs.save_state(document)
    retrieved = remote_lrs.retrieve_state(activity, _agent(), "bookmark")
    deleted = remote_lrs.delete_state(document)
    gone = remote_lrs.retrieve_state(activity, _agent(), "bookmark")

    assert (saved.success, saved.response.status) == (True, 204)
    assert json.loads(retrieved.content.content) == {"page": 3}
    assert (deleted.success, deleted.response.status) == (True, 204)
    assert gone.response.status == 404


def test_tincan_saves_retrieves_and_deletes_an_activity_profile(remote_lrs):
    activity = Activity(id=ACTIVITY)
    document = ActivityProfileDocument(
        id="settings",
        activity=activity,
        content='{"theme": "dark"}',
        content_type="application/json",
    )

    saved = remote_lrs.save_activity_profile(document)
    retrieved = remote_lrs.retrieve_activity_profile(activity, "settings")
    deleted = remote_lrs.delete_activity_profile(document)
    gone = remote_lrs.retrieve_activity_profile(activity, "settings")

    assert (saved.success, saved.response.status) == (True, 204)
    assert json.loads(retrieved.content.content) == {"theme": "dark"}
    assert (deleted.success, deleted.response.status) == (True, 204)
    assert gone.response.status == 404


def test_tincan_saves_retrieves_and_deletes_an_agent_profile(remote_lrs):
    document = AgentProfileDocument(
        id="preferences",
        agent=_agent(),
        content='{"language": "en-GB"}',
        content_type="application/json",
    )

    saved = remote_lrs.save_agent_profile(document)
    retrieved = remote_lrs.retrieve_agent_profile(_agent(), "preferences")
    deleted = remote_lrs.delete_agent_profile(document)
    gone = remote_lrs.retrieve_agent_profile(_agent(), "preferences")

    assert (saved.success, saved.response.status) == (True, 204)
    assert json.loads(retrieved.content.content) == {"language": "en-GB"}
    assert (deleted.success, deleted.response.status) == (True, 204)
    assert gone.response.status == 404


# -- the npm @xapi/xapi client against the running server ------------------------------------

JS_CLIENT = Path(__file__).parent / "clients" / "xapi_js_documents.cjs"
NODE = shutil.which("node") or "node"


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_the_npm_xapi_client_writes_reads_and_deletes_statements_and_documents(
    live_server, lrs_client, version
):
    run = subprocess.run(
        [NODE, str(JS_CLIENT), f"{live_server.url}/xapi/", "test-key", "test-secret-123", version],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(settings.BASE_DIR),
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {
        "sendStatement": {"status": 200, "data": ["8f0b5c2e-8c4e-4b8a-9a55-2d1f7a0c3e11"]},
        "getStatement": {"status": 200, "verb": "http://adlnet.gov/expapi/verbs/experienced"},
        "setState": {"status": 204, "data": None},
        "createState": {"status": 204, "data": None},
        "getState": {"status": 200, "data": {"page": 3, "seen": True}},
        "deleteState": {"status": 204, "data": None},
        "getDeletedState": {"status": 404},
        "setActivityProfile": {"status": 204, "data": None},
        "createActivityProfile": {"status": 204, "data": None},
        "getActivityProfile": {"status": 200, "data": {"theme": "dark", "size": 2}},
        "setExistingActivityProfile": {"status": 409},
        "setAgentProfile": {"status": 204, "data": None},
        "getAgentProfile": {"status": 200, "data": {"language": "en-GB"}},
        "deleteAgentProfile": {"status": 204, "data": None},
        "getDeletedAgentProfile": {"status": 404},
    }
