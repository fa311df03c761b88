"""What tincan 1.0.0 writes, measured, so that an upgrade that changes it is noticed."""

from datetime import UTC, datetime, timedelta

import pytest
from tincan import (
    Activity,
    Agent,
    AgentAccount,
    Context,
    Extensions,
    LanguageMap,
    Result,
    Score,
    Statement,
    Verb,
)

from xapi import vocab
from xapi.validation import XapiValidationError, validate_statement
from xapi.validation.primitives import check_duration


def _statement(**fields) -> Statement:
    return Statement(
        actor=Agent(account=AgentAccount(home_page="https://academy.example.gov", name="a1")),
        verb=Verb(id=vocab.VERB_COMPLETED),
        object=Activity(id="https://academy.example.gov/xapi/activities/course/1"),
        **fields,
    )


def test_tincan_writes_a_naive_datetime_without_an_offset():
    data = _statement(timestamp=datetime(2026, 3, 2, 9, 30)).as_version("1.0.3")

    assert data["timestamp"] == "2026-03-02T09:30:00"
    # xAPI 2.0 requires the offset, so this statement is invalid there.
    with pytest.raises(XapiValidationError, match="time zone offset"):
        validate_statement(data, version="2.0.0")


def test_tincan_writes_an_aware_datetime_with_its_own_offset():
    data = _statement(timestamp=datetime(2026, 3, 2, 9, 30, tzinfo=UTC)).as_version("1.0.3")

    assert data["timestamp"] == "2026-03-02T09:30:00+00:00"


def test_tincan_refuses_a_timestamp_string_without_an_offset():
    with pytest.raises(ValueError, match="no timezone was set"):
        _statement(timestamp="2026-03-02T09:30:00")


def test_tincan_stamps_version_1_0_3_and_the_object_type():
    data = _statement().as_version("1.0.3")

    assert data["version"] == "1.0.3"
    assert data["actor"]["objectType"] == "Agent"
    assert data["object"]["objectType"] == "Activity"


@pytest.mark.parametrize(
    ("duration", "written"),
    [
        (timedelta(0), "PT00S"),
        (timedelta(seconds=5), "PT05S"),
        (timedelta(minutes=1, seconds=5), "PT01M05S"),
        (timedelta(hours=2), "PT02H00M00S"),
        (timedelta(days=2, seconds=1), "P2DT00H00M01S"),
        (timedelta(seconds=0.25), "PT00.25S"),
    ],
)
def test_tincan_zero_pads_durations_and_the_validator_accepts_them(duration, written):
    data = Result(duration=duration).as_version("1.0.3")

    assert data["duration"] == written
    assert check_duration(written, "result.duration") == written


def test_tincan_writes_a_negative_duration_that_is_not_iso_8601():
    data = Result(duration=timedelta(seconds=-5)).as_version("1.0.3")

    assert data["duration"] == "P-1DT23H59M55S"
    with pytest.raises(XapiValidationError):
        check_duration(data["duration"], "result.duration")


def test_tincan_writes_scores_as_floats():
    assert Score(scaled=0.8, raw=8, min=0, max=10).as_version("1.0.3") == {
        "scaled": 0.8,
        "raw": 8.0,
        "min": 0.0,
        "max": 10.0,
    }


def test_tincan_checks_language_map_values_but_not_tags():
    assert LanguageMap({"en_GB": "x"}) == {"en_GB": "x"}
    with pytest.raises(TypeError):
        LanguageMap({"en-GB": 5})


def test_tincan_checks_context_language():
    with pytest.raises(ValueError, match="invalid regional identifier"):
        Context(language="not a tag")


def test_tincan_does_not_check_extension_keys():
    assert Extensions({"progress": 40}).as_version("1.0.3") == {"progress": 40}


def test_tincan_stringifies_datetimes_only_at_the_top_of_extensions():
    top = Extensions({"https://x.example/e": datetime(2026, 3, 2, 9, 30)}).as_version("1.0.3")
    nested = Extensions({"https://x.example/e": [datetime(2026, 3, 2, 9, 30)]})

    assert top == {"https://x.example/e": "2026-03-02T09:30:00"}
    with pytest.raises(TypeError, match="not JSON serializable"):
        nested.to_json("1.0.3")


def test_tincan_writes_a_single_context_activity_as_a_list():
    data = Context(context_activities={"parent": {"id": "https://x.example/a"}}).as_version("1.0.3")

    assert data == {
        "contextActivities": {"parent": [{"id": "https://x.example/a", "objectType": "Activity"}]}
    }


def test_tincan_writes_a_verb_without_id_as_an_empty_object():
    assert Verb().as_version("1.0.3") == {}
