"""JSON that parses but cannot be stored or processed is a 400 that names it, never a 5xx."""

import base64
import json
import uuid
from urllib.parse import urlencode

import pytest

from tests.xapi.lrs import statement
from xapi.models import Document, Statement
from xapi.services import lrs_client_upsert, statements_store
from xapi.validation import XapiValidationError

pytestmark = pytest.mark.django_db

EXTENSION = "https://example.org/xapi/extensions/note"
AGENT = {"objectType": "Agent", "account": {"homePage": "https://lms.example.gov", "name": "a1"}}
ACTIVITY = "https://lms.example.gov/xapi/activities/course/1"
# Raw JSON texts, each well formed, and the words the LRS must answer with.
UNSTORABLE = {
    "nul": ('"before\\u0000after"', "holds a NUL character (\\u0000), which cannot be stored"),
    "surrogate": ('"\\ud800"', "holds an unpaired surrogate (\\ud800-\\udfff)"),
    "huge": ("1e400", "the number 1e400 is beyond the range of a double"),
    "huge integer": ("1" + "0" * 400, "is beyond the range of a double"),
    "nan": ("NaN", "NaN is not a JSON number"),
    "deep": ("[" * 5000 + "]" * 5000, "is nested more than 64 levels deep"),
    "deep enough": ("[" * 70 + "]" * 70, "is nested more than 64 levels deep"),
}
PLACEHOLDER = '"__value__"'


def _headers(version="1.0.3"):
    token = base64.b64encode(b"test-key:test-secret-123").decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": version}


@pytest.fixture
def xapi(client):
    lrs_client_upsert(name="Test client", key="test-key", secret="test-secret-123", scopes=["all"])
    return client


def _statement_text(raw: str, statement_id: str | None = None) -> str:
    data = statement(result={"extensions": {EXTENSION: "__value__"}})
    if statement_id:
        data["id"] = statement_id
    return json.dumps(data).replace(PLACEHOLDER, raw)


def _message(response) -> str:
    assert response.status_code == 400, response.content
    return response.json()["error"]["message"]


@pytest.mark.parametrize("case", UNSTORABLE)
def test_a_single_posted_statement_with_an_unstorable_value_is_refused(xapi, case):
    raw, words = UNSTORABLE[case]

    response = xapi.post(
        "/xapi/statements", _statement_text(raw), content_type="application/json", **_headers()
    )

    assert words in _message(response)
    assert Statement.objects.count() == 0


def test_the_refusal_says_where_the_value_is(xapi):
    response = xapi.post(
        "/xapi/statements",
        _statement_text(UNSTORABLE["nul"][0]),
        content_type="application/json",
        **_headers(),
    )

    assert _message(response) == (
        f"the request body at result.extensions.{EXTENSION}: holds a NUL character (\\u0000), "
        "which cannot be stored."
    )


@pytest.mark.parametrize("case", UNSTORABLE)
def test_a_put_statement_with_an_unstorable_value_is_refused(xapi, case):
    raw, words = UNSTORABLE[case]
    statement_id = str(uuid.uuid4())

    response = xapi.put(
        f"/xapi/statements?statementId={statement_id}",
        _statement_text(raw, statement_id),
        content_type="application/json",
        **_headers("2.0.0"),
    )

    assert words in _message(response)
    assert Statement.objects.count() == 0


@pytest.mark.parametrize("case", UNSTORABLE)
def test_a_batch_with_one_unstorable_statement_stores_none(xapi, case):
    raw, words = UNSTORABLE[case]
    body = f"[{json.dumps(statement())}, {_statement_text(raw)}]"

    response = xapi.post("/xapi/statements", body, content_type="application/json", **_headers())

    assert words in _message(response)
    assert Statement.objects.count() == 0


@pytest.mark.parametrize("case", UNSTORABLE)
def test_a_multipart_statement_part_with_an_unstorable_value_is_refused(xapi, case):
    raw, words = UNSTORABLE[case]
    body = (
        "--b\r\nContent-Type: application/json\r\n\r\n" + _statement_text(raw) + "\r\n--b--\r\n"
    ).encode()

    response = xapi.post(
        "/xapi/statements", body, content_type="multipart/mixed; boundary=b", **_headers()
    )

    message = _message(response)
    assert message.startswith("the multipart statement part")
    assert words in message
    assert Statement.objects.count() == 0


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value", ["a\x00b", "\ud800", 10**400, float("nan"), float("inf"), _nested(70)]
)
def test_the_platforms_own_statements_are_held_to_the_same_rule(value):
    data = statement(result={"extensions": {EXTENSION: value}})

    with pytest.raises(XapiValidationError) as error:
        statements_store(statements=[data], client=None)

    assert error.value.path.startswith(f"statement.result.extensions.{EXTENSION}")
    assert Statement.objects.count() == 0


DOCUMENTS = {
    "state": ("/xapi/activities/state", {"activityId": ACTIVITY, "agent": json.dumps(AGENT)}),
    "activity profile": ("/xapi/activities/profile", {"activityId": ACTIVITY}),
    "agent profile": ("/xapi/agents/profile", {"agent": json.dumps(AGENT)}),
}
ID_PARAMETER = {"state": "stateId", "activity profile": "profileId", "agent profile": "profileId"}


def _document_url(place: str, **params) -> str:
    path, key = DOCUMENTS[place]
    return f"{path}?{urlencode({**key, ID_PARAMETER[place]: 'doc', **params})}"


@pytest.mark.parametrize("method", ["put", "post"])
@pytest.mark.parametrize("place", DOCUMENTS)
@pytest.mark.parametrize("case", UNSTORABLE)
def test_a_json_document_with_an_unstorable_value_is_refused(xapi, place, method, case):
    raw, words = UNSTORABLE[case]

    response = getattr(xapi, method)(
        _document_url(place), f'{{"note": {raw}}}', content_type="application/json", **_headers()
    )

    message = _message(response)
    assert message.startswith("the document")
    assert words in message
    assert Document.objects.count() == 0


@pytest.mark.parametrize("place", DOCUMENTS)
def test_a_document_of_another_type_keeps_its_nul_bytes(xapi, place):
    response = xapi.put(
        _document_url(place), b"before\x00after", content_type="text/plain", **_headers()
    )
    read = xapi.get(_document_url(place), **_headers())

    assert response.status_code == 204
    assert (read.status_code, read.content) == (200, b"before\x00after")


@pytest.mark.parametrize("case", UNSTORABLE)
@pytest.mark.parametrize(
    "path", ["/xapi/statements", "/xapi/activities/state", "/xapi/agents/profile"]
)
def test_an_agent_parameter_with_an_unstorable_value_is_refused(xapi, path, case):
    raw, words = UNSTORABLE[case]
    agent = json.dumps({**AGENT, "name": "__value__"}).replace(PLACEHOLDER, raw)
    params = {"agent": agent}
    if path == "/xapi/activities/state":
        params["activityId"] = ACTIVITY

    response = xapi.get(f"{path}?{urlencode(params)}", **_headers())

    message = _message(response)
    assert message.startswith("agent")
    assert words in message


@pytest.mark.parametrize(
    "url",
    [
        "/xapi/activities/state?stateId=a%00b&activityId=https://x.org/a&agent=",
        "/xapi/activities/profile?activityId=https://x.org/a%00&profileId=p",
        "/xapi/agents/profile?profileId=p%00&agent=",
        "/xapi/statements?verb=https://x.org/v%00",
        "/xapi/activities?activityId=https://x.org/a%00",
        "/xapi/agents?agent=%00",
    ],
)
def test_a_nul_in_any_query_parameter_is_refused(xapi, url):
    response = xapi.get(url, **_headers())

    assert "holds a NUL character (\\u0000)" in _message(response)


def test_a_nul_in_a_document_id_is_refused_on_write(xapi):
    url = "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, "profileId": "a\x00"})

    response = xapi.put(url, b"{}", content_type="application/json", **_headers())

    assert _message(response) == "The parameter 'profileId' holds a NUL character (\\u0000)."
    assert Document.objects.count() == 0
