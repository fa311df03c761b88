"""xAPI's primitive types, checked without HTTP or a database."""

from datetime import UTC, datetime

import pytest

from xapi.validation import XapiValidationError
from xapi.validation.primitives import (
    check_duration,
    check_iri,
    check_language_tag,
    parse_timestamp,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25T09:30:00Z", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("2026-11-25T10:30:00+01:00", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("20261125T103000+0100", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
        ("2026-11-25T09:30:00.1234567Z", datetime(2026, 11, 25, 9, 30, 0, 123456, tzinfo=UTC)),
        ("2026-11-25T09:30:00", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
    ],
)
def test_timestamps_parse_to_utc(text, expected):
    assert parse_timestamp(text, "t") == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30T00:00:00Z",
        "01/011/2015",
        "2026-11-25T09:30:00-00:00",
        "2026-11-25T09:30:00-0000",
        "2026-11-25T25:00:00Z",
        "2026-11-25",
    ],
)
def test_bad_timestamps_are_refused(text):
    with pytest.raises(XapiValidationError):
        parse_timestamp(text, "t")


def test_xapi_2_needs_an_offset():
    with pytest.raises(XapiValidationError, match="time zone offset"):
        parse_timestamp("2026-11-25T09:30:00", "t", require_offset=True)


@pytest.mark.parametrize("text", ["PT1H30M", "P4W", "P1Y2M3DT4H5M6.5S", "PT05S", "P0D", "PT00.25S"])
def test_durations_accepted(text):
    assert check_duration(text, "d") == text


@pytest.mark.parametrize("text", ["P", "PT", "P1DT", "P4W1D", "1H", "P-1D", "PT1.5"])
def test_durations_refused(text):
    with pytest.raises(XapiValidationError):
        check_duration(text, "d")


@pytest.mark.parametrize(
    "tag", ["en", "en-GB", "zh-Hant-TW", "sr-Latn-RS", "x-private", "de-CH-1996"]
)
def test_language_tags_accepted(tag):
    assert check_language_tag(tag, "l") == tag


@pytest.mark.parametrize("tag", ["en_GB", "english please", "", "e", "en--GB"])
def test_language_tags_refused(tag):
    with pytest.raises(XapiValidationError):
        check_language_tag(tag, "l")


@pytest.mark.parametrize("iri", ["https://example.org/a", "urn:uuid:1234", "mailto:a@example.org"])
def test_iris_accepted(iri):
    assert check_iri(iri, "i") == iri


@pytest.mark.parametrize("iri", ["example.org/a", "not an iri", "https:", 42])
def test_iris_refused(iri):
    with pytest.raises(XapiValidationError):
        check_iri(iri, "i")
