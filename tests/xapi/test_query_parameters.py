"""Typed query parameters: a value of the wrong type is a 400 with a reason, not an empty page."""

import base64
import json
import uuid
from urllib.parse import urlencode

import pytest

from tests.xapi.lrs import statement
from xapi.services import lrs_client_upsert, statements_store

pytestmark = pytest.mark.django_db

AGENT = json.dumps({"objectType": "Agent", "account": {"homePage": "https://x.org", "name": "a"}})
ACTIVITY = "https://lms.example.gov/xapi/activities/course/1"
REGISTRATION = "9b0a3f9e-2a53-4bd4-a0c1-2b1a77f0a6d1"
IRI = "must be an absolute IRI, like https://example.org/x"
TIMESTAMP = "must be an ISO 8601 timestamp, like 2026-11-25T09:30:00Z"


def _headers(version="1.0.3"):
    token = base64.b64encode(b"test-key:test-secret-123").decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": version}


@pytest.fixture
def xapi(client):
    lrs_client_upsert(name="Test client", key="test-key", secret="test-secret-123", scopes=["all"])
    return client


def _get(client, path: str, params: dict):
    return client.get(f"{path}?{urlencode(params)}", **_headers())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"verb": "experienced"}, f"verb: {IRI}"),
        ({"verb": "http://adlnet.gov/expapi/verbs/ experienced"}, f"verb: {IRI}"),
        ({"activity": "lesson-1"}, f"activity: {IRI}"),
        ({"activity": ""}, f"activity: {IRI}"),
        ({"registration": "42"}, "registration must be a UUID."),
        ({"registration": f"{REGISTRATION}\n"}, "registration must be a UUID."),
        ({"since": "yesterday"}, f"since: {TIMESTAMP}"),
        ({"since": "2026-11-25T09:30:00Z\n"}, f"since: {TIMESTAMP}"),
        (
            {"until": "2026-13-01T00:00:00Z"},
            "until: is not a real date and time (month must be in 1..12)",
        ),
        (
            {"until": "9999-12-31T23:00:00-01:00"},
            "until: is not a real date and time (it lies beyond the year 9999 in UTC)",
        ),
        ({"limit": "ten"}, "limit must be a whole number of zero or more."),
        ({"limit": "-1"}, "limit must be a whole number of zero or more."),
        ({"limit": "1.5"}, "limit must be a whole number of zero or more."),
        ({"limit": "\u00b2"}, "limit must be a whole number of zero or more."),
        ({"statementId": "42"}, "statementId must be a UUID."),
        ({"statementId": f"{REGISTRATION}\n"}, "statementId must be a UUID."),
        ({"voidedStatementId": "not-a-uuid"}, "voidedStatementId must be a UUID."),
    ],
)
def test_a_statement_query_parameter_of_the_wrong_type_is_refused(xapi, params, message):
    response = _get(xapi, "/xapi/statements", params)

    assert response.status_code == 400
    assert response.json() == {"error": {"code": 400, "message": message}}


def test_typed_parameters_of_the_right_type_still_filter(xapi):
    experienced = statement(context={"registration": REGISTRATION})
    completed = statement(verb={"id": "http://adlnet.gov/expapi/verbs/completed"})
    statements_store(statements=[experienced, completed], client=None)

    def ids(**params):
        response = _get(xapi, "/xapi/statements", params)
        assert response.status_code == 200, response.content
        return [s["id"] for s in response.json()["statements"]]

    assert ids(verb="http://adlnet.gov/expapi/verbs/completed") == [completed["id"]]
    assert ids(registration=REGISTRATION.upper()) == [experienced["id"]]
    assert ids(activity=statement()["object"]["id"], ascending="true") == [
        experienced["id"],
        completed["id"],
    ]
    assert ids(since="2000-01-01T00:00:00Z", limit="1", ascending="true") == [experienced["id"]]
    assert ids(limit="9" * 40) == [completed["id"], experienced["id"]]
    assert ids(verb="urn:example:verb:unused") == []


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        (
            "/xapi/activities/state",
            {"activityId": ACTIVITY, "agent": AGENT, "registration": "42"},
            "registration must be a UUID.",
        ),
        (
            "/xapi/activities/state",
            {"activityId": "course-1", "agent": AGENT},
            f"activityId: {IRI}",
        ),
        (
            "/xapi/activities/state",
            {"activityId": ACTIVITY, "agent": AGENT, "since": "last week"},
            f"since: {TIMESTAMP}",
        ),
        (
            "/xapi/activities/profile",
            {"activityId": ACTIVITY, "since": "0000-01-01T00:00:00Z"},
            "since: is not a real date and time (year 0 is out of range)",
        ),
        ("/xapi/agents/profile", {"agent": AGENT, "since": "1"}, f"since: {TIMESTAMP}"),
        ("/xapi/activities", {"activityId": "course-1"}, f"activityId: {IRI}"),
    ],
)
def test_a_document_query_parameter_of_the_wrong_type_is_refused(xapi, path, params, message):
    response = _get(xapi, path, params)

    assert response.status_code == 400
    assert response.json() == {"error": {"code": 400, "message": message}}


def test_a_put_statement_id_must_be_a_uuid_without_trailing_space(xapi):
    statement_id = str(uuid.uuid4())

    response = xapi.put(
        f"/xapi/statements?{urlencode({'statementId': statement_id + chr(10)})}",
        json.dumps(statement()),
        content_type="application/json",
        **_headers(),
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "statementId must be a UUID."
