"""Reading statements over HTTP: every filter, paging with `more`, formats and headers."""

import json
import time
import uuid
from datetime import UTC, datetime

import pytest

from tests.xapi.lrs import BASE, statement

pytestmark = pytest.mark.django_db

ANA = {"objectType": "Agent", "mbox": "mailto:ana@example.org"}
BEN = {"objectType": "Agent", "account": {"homePage": "https://id.example.gov", "name": "ben"}}
TEAM = {"objectType": "Group", "mbox": "mailto:team@example.org", "member": [BEN]}
COURSE = {"objectType": "Activity", "id": "https://example.org/course/1"}
LESSON = {"objectType": "Activity", "id": "https://example.org/lesson/1"}
COMPLETED = {"id": "http://adlnet.gov/expapi/verbs/completed"}
REGISTRATION = str(uuid.uuid4())


@pytest.fixture
def stored(lrs):
    """Four statements that each filter picks apart."""
    statements = {
        "ana_lesson": statement(
            actor=ANA,
            object=LESSON,
            context={"contextActivities": {"parent": [COURSE]}, "registration": REGISTRATION},
        ),
        "ben_course": statement(actor=BEN, object=COURSE, verb=COMPLETED),
        "team_lesson": statement(actor=TEAM, object=LESSON, context={"instructor": ANA}),
        "about_ana": statement(actor=BEN, object=ANA, verb=COMPLETED),
    }
    for item in statements.values():
        assert lrs.post_statements(item).status_code == 200
    return {name: item["id"] for name, item in statements.items()}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"agent": ANA}, {"ana_lesson", "about_ana"}),
        ({"agent": ANA, "related_agents": "true"}, {"ana_lesson", "about_ana", "team_lesson"}),
        ({"agent": BEN}, {"ben_course", "team_lesson", "about_ana"}),  # a member of TEAM
        ({"agent": TEAM}, {"team_lesson"}),
        ({"verb": COMPLETED["id"]}, {"ben_course", "about_ana"}),
        ({"activity": COURSE["id"]}, {"ben_course"}),
        ({"activity": COURSE["id"], "related_activities": "true"}, {"ben_course", "ana_lesson"}),
        ({"registration": REGISTRATION}, {"ana_lesson"}),
        ({"verb": COMPLETED["id"], "agent": BEN}, {"ben_course", "about_ana"}),
    ],
)
def test_filters(lrs, stored, params, expected):
    params = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}

    ids = lrs.statement_ids(**params)

    assert set(ids) == {stored[name] for name in expected}


def test_newest_first_unless_ascending(lrs, stored):
    order = [stored[n] for n in ("ana_lesson", "ben_course", "team_lesson", "about_ana")]

    assert lrs.statement_ids() == order[::-1]
    assert lrs.statement_ids(ascending="true") == order


def test_since_and_until_use_the_stored_time(lrs):
    first = statement()
    lrs.post_statements(first)
    time.sleep(0.01)
    middle = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    second = statement()
    lrs.post_statements(second)

    assert lrs.statement_ids(since=middle) == [second["id"]]
    assert lrs.statement_ids(until=middle) == [first["id"]]


def test_more_links_page_through_everything_once(lrs):
    sent = [statement() for _ in range(7)]
    lrs.post_statements(sent)
    seen, url = [], "statements?limit=3"

    while url:
        page = lrs.get(url).json()
        assert len(page["statements"]) <= 3
        seen += [s["id"] for s in page["statements"]]
        url = page["more"].removeprefix("/xapi/") if page["more"] else ""
        if page["more"]:
            lrs.post_statements(statement())  # later arrivals do not shift the pages

    assert seen == [s["id"] for s in sent][::-1]


def test_a_tampered_more_link_is_refused(lrs):
    response = lrs.get("statements", params={"more": "forged"})

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The more link is not one this LRS issued."


def test_statement_ref_statements_match_what_their_target_matches(lrs):
    verb = {"id": f"https://example.org/verbs/{uuid.uuid4()}"}
    target = statement(verb=verb)
    lrs.post_statements(target)
    voiding = statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": target["id"]},
    )
    referring = statement(verb=verb, object={"objectType": "StatementRef", "id": target["id"]})
    lrs.post_statements([voiding, referring])

    ids = lrs.statement_ids(verb=verb["id"])

    assert set(ids) == {voiding["id"], referring["id"]}


def test_a_reference_stored_before_its_target_matches_once_the_target_arrives(lrs):
    target = statement(actor=ANA)
    referring = statement(actor=BEN, object={"objectType": "StatementRef", "id": target["id"]})
    lrs.post_statements(referring)
    assert lrs.statement_ids(agent=json.dumps(ANA)) == []

    lrs.post_statements(target)

    assert set(lrs.statement_ids(agent=json.dumps(ANA))) == {target["id"], referring["id"]}


def test_format_ids_keeps_only_identifiers(lrs):
    sent = statement(actor={**ANA, "name": "Ana"})
    lrs.post_statements(sent)

    body = lrs.get("statements", params={"statementId": sent["id"], "format": "ids"}).json()

    assert body["actor"] == {"objectType": "Agent", "mbox": ANA["mbox"]}
    assert body["verb"] == {"id": BASE["verb"]["id"]}
    assert body["object"] == {"id": BASE["object"]["id"]}


def test_format_canonical_picks_one_language(lrs):
    sent = statement()
    lrs.post_statements(sent)

    body = lrs.get(
        "statements",
        params={"statementId": sent["id"], "format": "canonical"},
        headers={"Accept-Language": "en-US, en;q=0.8"},
    ).json()
    exact = lrs.get("statements", params={"statementId": sent["id"]}).json()

    assert body["object"]["definition"]["name"] == {"en-US": "Lesson one (US)"}
    assert exact["object"]["definition"]["name"] == BASE["object"]["definition"]["name"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"colour": "red"}, "Unknown parameters: colour."),
        ({"limit": "-1"}, "limit must be a whole number"),
        ({"ascending": "yes"}, "ascending must be true or false."),
        ({"format": "short"}, "format must be exact, ids or canonical."),
        ({"agent": "not json"}, "agent must be a JSON Agent or Group."),
        ({"agent": json.dumps({"name": "no identifier"})}, "exactly one identifier"),
        ({"since": "yesterday"}, "since"),
        ({"registration": "abc"}, "registration must be a UUID."),
        (
            {"statementId": str(uuid.uuid4()), "verb": COMPLETED["id"]},
            "only format and attachments",
        ),
        ({"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())}, "not both"),
    ],
)
def test_bad_queries_are_refused_with_a_message(lrs, params, message):
    response = lrs.get("statements", params=params)

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert "X-Experience-API-Consistent-Through" in response.headers


def test_missing_statement_is_404(lrs):
    response = lrs.get("statements", params={"statementId": str(uuid.uuid4())})

    assert response.status_code == 404
    assert "X-Experience-API-Consistent-Through" in response.headers


def test_headers_on_reads(lrs):
    sent = statement()
    lrs.post_statements(sent)

    single = lrs.get("statements", params={"statementId": sent["id"]})
    listing = lrs.get("statements")

    consistent = datetime.fromisoformat(listing.headers["X-Experience-API-Consistent-Through"])
    assert consistent.tzinfo is not None
    assert single.headers["Last-Modified"].endswith("GMT")
    assert single.headers["Content-Type"].startswith("application/json")
    assert listing.headers["X-Experience-API-Version"] == "1.0.3"


def test_head_answers_like_get_without_a_body(lrs):
    sent = statement()
    lrs.post_statements(sent)

    response = lrs.request("HEAD", "statements", params={"statementId": sent["id"]})

    assert response.status_code == 200
    assert response.content == b""
    assert "X-Experience-API-Consistent-Through" in response.headers


def test_empty_result_is_an_empty_list(lrs):
    body = lrs.get("statements", params={"verb": "https://example.org/never"}).json()

    assert body == {"statements": [], "more": ""}
