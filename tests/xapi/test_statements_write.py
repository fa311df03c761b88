"""Writing statements over HTTP: PUT, POST, batches, conflicts, voiding, all-or-nothing."""

import uuid

import pytest

from tests.xapi.lrs import BASE, statement
from xapi.models import Statement

pytestmark = pytest.mark.django_db

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def test_post_single_statement_returns_its_id_and_stores_what_the_lrs_adds(lrs, lrs_client):
    sent = statement()

    response = lrs.post_statements(sent)

    assert response.status_code == 200
    assert response.json() == [sent["id"]]
    stored = lrs.get("statements", params={"statementId": sent["id"]}).json()
    assert stored["actor"] == sent["actor"]
    assert stored["object"] == sent["object"]
    assert stored["authority"] == lrs_client.authority
    assert stored["version"] == "1.0.0"
    assert stored["stored"].endswith("Z")
    assert stored["timestamp"] == stored["stored"]


def test_post_without_id_gets_a_fresh_uuid(lrs):
    response = lrs.post_statements(statement(id=None))

    [statement_id] = response.json()
    assert uuid.UUID(statement_id).version == 4


def test_batch_keeps_order(lrs):
    batch = [statement() for _ in range(3)]

    assert lrs.post_statements(batch).json() == [s["id"] for s in batch]


def test_put_stores_under_the_statement_id_parameter(lrs):
    sent = statement(id=None)
    statement_id = str(uuid.uuid4())

    response = lrs.put("statements", params={"statementId": statement_id}, json=sent)

    assert response.status_code == 204
    assert Statement.objects.filter(statement_id=statement_id).exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "PUT needs a statementId parameter."),
        ({"statementId": "not-a-uuid"}, "statementId must be a UUID."),
        ({"statementId": str(uuid.uuid4())}, "does not match the statementId parameter"),
    ],
)
def test_bad_put_is_refused_with_a_message(lrs, params, message):
    response = lrs.put("statements", params=params, json=statement())

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert Statement.objects.count() == 0


def test_same_statement_twice_is_stored_once(lrs):
    sent = statement()

    first = lrs.post_statements(sent)
    again = lrs.put("statements", params={"statementId": sent["id"]}, json=sent)

    assert (first.status_code, again.status_code) == (200, 204)
    assert Statement.objects.filter(statement_id=sent["id"]).count() == 1


def test_same_id_with_other_content_is_a_conflict_and_changes_nothing(lrs):
    sent = statement()
    lrs.post_statements(sent)
    changed = {**sent, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}}

    post = lrs.post_statements(changed)
    put = lrs.put("statements", params={"statementId": sent["id"]}, json=changed)

    assert post.status_code == put.status_code == 409
    assert "already stored with different content" in post.json()["error"]["message"]
    assert Statement.objects.get(statement_id=sent["id"]).verb_id == BASE["verb"]["id"]


def test_batch_with_one_bad_statement_stores_none(lrs):
    batch = [statement(), statement(verb={"display": {"en-GB": "no id"}}), statement()]

    response = lrs.post_statements(batch)

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "statement.verb.id: is required"
    assert Statement.objects.count() == 0


def test_batch_repeating_an_id_is_refused(lrs):
    sent = statement()

    response = lrs.post_statements([sent, sent])

    assert response.status_code == 400
    assert "two statements in one request share an id" in response.json()["error"]["message"]
    assert Statement.objects.count() == 0


INTERACTION = {"objectType": "Activity", "id": "https://example.org/q1"}


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        (
            {"object": {**INTERACTION, "definition": {"interactionType": {"a": 1}}}},
            "interactionType",
        ),
        (
            {"object": {**INTERACTION, "definition": {"interactionType": "essay"}}},
            "interactionType",
        ),
        (
            {
                "object": {"objectType": "StatementRef", "id": str(uuid.uuid4())},
                "context": {"revision": "2"},
            },
            "revision",
        ),
        (
            {
                "object": {
                    "objectType": "SubStatement",
                    "actor": BASE["actor"],
                    "verb": BASE["verb"],
                    "object": INTERACTION,
                },
                "context": {"platform": "web"},
            },
            "platform",
        ),
        ({"result": {"duration": "P4W1D"}}, "duration"),
        ({"result": {"score": {"scaled": 2}}}, "scaled"),
        ({"result": {"success": "yes"}}, "success"),
        ({"timestamp": "2026-01-01T10:00:00-00:00"}, "timestamp"),
        ({"version": "1.1.0"}, "version"),
        (
            {"actor": {"mbox": "mailto:a@example.org", "openid": "https://id.example.org/a"}},
            "actor",
        ),
        ({"actor": {"mbox": "a@example.org"}}, "mbox"),
        ({"verb": {"id": "not an iri"}}, "verb.id"),
        ({"context": {"registration": "1234"}}, "registration"),
        ({"context": {"contextActivities": {"parent": {"id": "x y"}}}}, "parent"),
        ({"context": {"language": "english please"}}, "language"),
        ({"object": {**INTERACTION, "definition": {"name": {"en_GB": "x"}}}}, "name"),
        ({"colour": "blue"}, "colour"),
        ({"result": None, "context": {"extensions": {"no-scheme": 1}}}, "extensions"),
    ],
)
def test_invalid_statements_are_refused_with_the_property_named(lrs, changes, where):
    response = lrs.post_statements(statement(**changes))

    assert response.status_code == 400
    assert where in response.json()["error"]["message"]
    assert Statement.objects.count() == 0


def test_null_values_are_refused(lrs):
    response = lrs.post_statements({**statement(), "result": {"success": None}})

    assert response.status_code == 400
    assert "must not be null" in response.json()["error"]["message"]


def test_not_json_is_refused(lrs):
    response = lrs.post(
        "statements", data=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The request body is not valid JSON."


def test_context_activities_are_returned_as_arrays(lrs):
    parent = {"objectType": "Activity", "id": "https://example.org/course"}
    sent = statement(context={"contextActivities": {"parent": parent}})
    lrs.post_statements(sent)

    stored = lrs.get("statements", params={"statementId": sent["id"]}).json()

    assert stored["context"]["contextActivities"]["parent"] == [parent]


def test_unicode_survives_the_round_trip(lrs):
    sent = statement(
        verb={"id": BASE["verb"]["id"], "display": {"ja-JP": "経験した", "ar": "اختبر"}}
    )
    lrs.post_statements(sent)

    stored = lrs.get("statements", params={"statementId": sent["id"]}).json()

    assert stored["verb"]["display"] == {"ja-JP": "経験した", "ar": "اختبر"}


def test_version_is_kept_or_set_by_the_request_version(lrs, lrs2):
    kept = statement(version="1.0.9")
    default_1 = statement()
    default_2 = statement()
    lrs.post_statements([kept, default_1])
    lrs2.post_statements(default_2)

    versions = dict(Statement.objects.values_list("statement_id", "data__version"))

    assert versions[uuid.UUID(kept["id"])] == "1.0.9"
    assert versions[uuid.UUID(default_1["id"])] == "1.0.0"
    assert versions[uuid.UUID(default_2["id"])] == "2.0.0"


def test_voiding_hides_a_statement_but_not_its_voiding(lrs):
    target = statement()
    lrs.post_statements(target)
    voiding = statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target["id"]}
    )
    lrs.post_statements(voiding)

    assert lrs.get("statements", params={"statementId": target["id"]}).status_code == 404
    assert (
        lrs.get("statements", params={"voidedStatementId": target["id"]}).json()["id"]
        == target["id"]
    )
    assert target["id"] not in lrs.statement_ids()
    assert voiding["id"] in lrs.statement_ids()


def test_a_voiding_statement_cannot_itself_be_voided(lrs):
    target = statement()
    voiding = statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target["id"]}
    )
    lrs.post_statements([target, voiding])
    second = statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding["id"]}
    )

    assert lrs.post_statements(second).status_code == 200
    assert lrs.get("statements", params={"statementId": voiding["id"]}).status_code == 200


def test_a_statement_voided_before_it_arrives_is_stored_voided(lrs):
    target = statement()
    lrs.post_statements(
        statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target["id"]})
    )

    lrs.post_statements(target)

    assert lrs.get("statements", params={"statementId": target["id"]}).status_code == 404


def test_voiding_needs_a_statement_ref(lrs):
    response = lrs.post_statements(statement(verb={"id": VOIDED}))

    assert response.status_code == 400
    assert "StatementRef" in response.json()["error"]["message"]


def test_oversized_bodies_are_refused_before_parsing(lrs, settings):
    settings.XAPI_MAX_BODY_BYTES = 2_000

    response = lrs.post(
        "statements", data=b"[" + b" " * 5_000 + b"]", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert "larger than 2000 bytes" in response.json()["error"]["message"]
