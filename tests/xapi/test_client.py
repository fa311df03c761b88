"""Recording tincan statements: deterministic ids, UTC times, validation, nothing half-stored."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from tincan import Activity, Agent, Context, Result, Score, Statement, SubStatement, Verb

from tests.factories import make_person
from xapi import vocab
from xapi.client import statement_id, statement_record, statements_record, verb
from xapi.identity import learner_agent
from xapi.models import Statement as StoredStatement
from xapi.services import StatementConflict
from xapi.validation import XapiValidationError

COURSE = uuid.UUID("11111111-2222-4333-8444-555555555555")
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def learner(db, settings):
    settings.SITE_URL = "https://academy.example.gov"
    return learner_agent(user=make_person())


def _completed(actor, **overrides):
    fields = {
        "actor": actor,
        "verb": verb(vocab.VERB_COMPLETED),
        "object": Activity(id=vocab.activity_iri("course", COURSE)),
        "timestamp": WHEN,
        **overrides,
    }
    return Statement(**fields)


def _stored(statement_id: str) -> dict:
    return StoredStatement.objects.get(statement_id=statement_id).data


def test_statement_record_twice_stores_one_statement(learner):
    first = statement_record(_completed(learner), attempt="1")
    again = statement_record(_completed(learner), attempt="1")

    assert again == first
    assert StoredStatement.objects.count() == 1


def test_statements_record_with_the_same_event_twice_stores_it_once(learner):
    ids = statements_record([_completed(learner), _completed(learner)], attempts=["1", "1"])

    assert ids[0] == ids[1]
    assert StoredStatement.objects.count() == 1


def test_statement_record_another_attempt_is_another_statement(learner):
    first = statement_record(_completed(learner), attempt="1")
    second = statement_record(_completed(learner), attempt="2")

    assert first != second
    assert StoredStatement.objects.count() == 2


def test_statement_record_same_event_with_other_content_conflicts(learner):
    statement_record(_completed(learner), attempt="1")

    with pytest.raises(StatementConflict):
        statement_record(_completed(learner, result=Result(completion=True)), attempt="1")

    assert StoredStatement.objects.count() == 1


def test_statement_id_is_uuid5_of_actor_verb_object_and_attempt_only(learner):
    plain = statement_id(_completed(learner), attempt="1")
    rebuilt = statement_id(
        _completed(learner, timestamp=WHEN + timedelta(days=1), result=Result(completion=True)),
        attempt="1",
    )

    assert plain == rebuilt
    assert uuid.UUID(plain).version == 5
    assert statement_id(_completed(learner), attempt="2") != plain
    assert statement_id(_completed(learner, verb=verb(vocab.VERB_PASSED)), attempt="1") != plain


def test_statement_record_keeps_an_id_the_caller_gave(learner):
    given = "5f0c2b8e-3c1a-4d6e-9f2a-7b8c9d0e1f2a"

    recorded = statement_record(_completed(learner, id=given))

    assert recorded == given
    assert _stored(given)["id"] == given


def test_statement_record_signs_with_the_site_authority(learner):
    recorded = statement_record(_completed(learner))

    assert _stored(recorded)["authority"] == {
        "objectType": "Agent",
        "account": {"homePage": "https://academy.example.gov", "name": "lms"},
    }


def test_statement_record_converts_a_naive_timestamp_to_utc(learner):
    recorded = statement_record(_completed(learner, timestamp=datetime(2026, 3, 2, 9, 30)))

    assert _stored(recorded)["timestamp"] == "2026-03-02T09:30:00+00:00"


def test_statement_record_reads_a_naive_timestamp_in_the_site_time_zone(learner, settings):
    settings.TIME_ZONE = "Europe/London"

    # 10:30 in London in July is 09:30 UTC (British Summer Time).
    recorded = statement_record(_completed(learner, timestamp=datetime(2026, 7, 1, 10, 30)))

    assert _stored(recorded)["timestamp"] == "2026-07-01T09:30:00+00:00"


def test_statement_record_converts_an_aware_timestamp_to_utc(learner):
    paris = timezone(timedelta(hours=1))

    recorded = statement_record(
        _completed(learner, timestamp=datetime(2026, 3, 2, 10, 30, 0, 250000, paris))
    )

    assert _stored(recorded)["timestamp"] == "2026-03-02T09:30:00.250000+00:00"


def test_statement_record_converts_datetimes_in_extensions_and_substatements(learner):
    extension = vocab.site_iri("xapi/extensions/result/due")
    planned = SubStatement(
        actor=learner,
        verb=verb(vocab.VERB_COMPLETED),
        object=Activity(id=vocab.activity_iri("course", COURSE)),
        timestamp=datetime(2026, 4, 1, 17, 0),
    )

    recorded = statement_record(
        Statement(
            actor=learner,
            verb=verb(vocab.VERB_REGISTERED),
            object=planned,
            result=Result(extensions={extension: [datetime(2026, 4, 1, 17, 0)]}),
            timestamp=datetime(2026, 3, 2, 9, 30),
        )
    )

    data = _stored(recorded)
    assert data["object"]["timestamp"] == "2026-04-01T17:00:00+00:00"
    assert data["result"]["extensions"] == {extension: ["2026-04-01T17:00:00+00:00"]}


def test_statement_record_leaves_the_callers_statement_unchanged(learner):
    statement = _completed(learner, timestamp=datetime(2026, 3, 2, 9, 30))

    statement_record(statement)

    assert statement.id is None
    assert statement.timestamp.tzinfo is None


def test_statement_record_without_a_verb_id_raises_and_stores_nothing(learner):
    with pytest.raises(XapiValidationError) as error:
        statement_record(_completed(learner, verb=Verb(display={"en-GB": "completed"})))

    assert error.value.path == "statement.verb.id"
    assert StoredStatement.objects.count() == 0


def test_statements_record_with_one_invalid_statement_stores_none(learner):
    valid = _completed(learner)
    invalid = _completed(learner, result=Result(score=Score(scaled=2)))

    with pytest.raises(XapiValidationError) as error:
        statements_record([valid, invalid], attempts=["1", "2"])

    assert error.value.path == "statement.result.score.scaled"
    assert StoredStatement.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        # tincan passes each of these through unchecked; the LRS's validator refuses them.
        (
            {"verb": Verb(id=vocab.VERB_COMPLETED, display={"en_GB": "x"})},
            "statement.verb.display",
        ),
        ({"result": Result(extensions={"progress": 40})}, "statement.result.extensions"),
        ({"result": Result(duration=timedelta(seconds=-5))}, "statement.result.duration"),
        ({"object": Activity()}, "statement.object.id"),
    ],
    ids=["language-tag", "extension-key", "negative-duration", "activity-id"],
)
def test_statement_record_refuses_what_tincan_lets_through(learner, overrides, path):
    with pytest.raises(XapiValidationError) as error:
        statement_record(_completed(learner, **overrides))

    assert error.value.path.startswith(path)
    assert StoredStatement.objects.count() == 0


@pytest.mark.parametrize(
    ("where", "agent", "path"),
    [
        ("actor", {"name": "Jo Bloggs"}, "statement.actor.name"),
        ("actor", {"mbox": "mailto:jo@example.org"}, "statement.actor.mbox"),
        ("instructor", {"name": "Jo Bloggs"}, "statement.context.instructor.name"),
    ],
)
def test_statement_record_refuses_a_person_named_by_name_or_email(learner, where, agent, path):
    person = Agent(object_type="Agent", **agent)
    if "mbox" not in agent:
        person.account = learner.account
    if where == "actor":
        statement = _completed(person)
    else:
        statement = _completed(learner, context=Context(instructor=person))

    with pytest.raises(XapiValidationError) as error:
        statement_record(statement)

    assert error.value.path == path
    assert StoredStatement.objects.count() == 0


def test_statements_record_refuses_two_different_statements_with_one_id(learner):
    given = "5f0c2b8e-3c1a-4d6e-9f2a-7b8c9d0e1f2a"
    passed = _completed(learner, id=given, verb=verb(vocab.VERB_PASSED))

    with pytest.raises(XapiValidationError, match="share an id"):
        statements_record([_completed(learner, id=given), passed])

    assert StoredStatement.objects.count() == 0


def test_statements_record_needs_one_attempt_per_statement(learner):
    with pytest.raises(ValueError, match="one attempt per statement"):
        statements_record([_completed(learner)], attempts=["1", "2"])
