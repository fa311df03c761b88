"""The reported-level rule: source ranking, recency for validations, unknown kept apart."""

from datetime import UTC, datetime, timedelta

from competencies.proficiency import Evidence, Source, gap, reported_level

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(days):
    return T0 + timedelta(days=days)


def test_no_evidence_is_unknown_not_zero():
    reported = reported_level([])

    assert (reported.level, reported.source) == (None, None)
    assert gap(2, reported.level) is None


def test_stronger_sources_beat_weaker_ones_whatever_the_level():
    reported = reported_level(
        [
            Evidence(Source.SELF, 4, at(5)),
            Evidence(Source.COMPLETION, 3, at(4)),
            Evidence(Source.CHECK, 1, at(1)),
        ]
    )

    assert (reported.level, reported.source) == (1, Source.CHECK)


def test_completion_beats_self_assessment():
    reported = reported_level(
        [Evidence(Source.SELF, 4, at(5)), Evidence(Source.COMPLETION, 2, at(1))]
    )

    assert (reported.level, reported.source) == (2, Source.COMPLETION)


def test_a_newer_validation_overrides_checks_even_downwards():
    reported = reported_level(
        [Evidence(Source.CHECK, 3, at(1)), Evidence(Source.VALIDATION, 2, at(2))]
    )

    assert (reported.level, reported.source) == (2, Source.VALIDATION)


def test_a_newer_check_pass_overrides_an_older_validation_with_the_best_pass():
    reported = reported_level(
        [
            Evidence(Source.VALIDATION, 1, at(1)),
            Evidence(Source.CHECK, 3, at(2)),
            Evidence(Source.CHECK, 2, at(3)),
        ]
    )

    assert (reported.level, reported.source) == (3, Source.CHECK)


def test_the_latest_self_assessment_counts_even_if_lower():
    reported = reported_level([Evidence(Source.SELF, 2, at(1)), Evidence(Source.SELF, 1, at(2))])

    assert reported.level == 1


def test_a_latest_dont_know_leaves_the_level_unknown():
    reported = reported_level([Evidence(Source.SELF, 2, at(1)), Evidence(Source.SELF, None, at(2))])

    assert (reported.level, reported.self_level) == (None, None)


def test_the_highest_completion_counts():
    reported = reported_level(
        [Evidence(Source.COMPLETION, 3, at(1)), Evidence(Source.COMPLETION, 1, at(2))]
    )

    assert (reported.level, reported.completion) == (3, 3)


def test_components_are_reported_beside_the_chosen_level():
    reported = reported_level(
        [
            Evidence(Source.SELF, 4, at(1)),
            Evidence(Source.COMPLETION, 2, at(2)),
            Evidence(Source.CHECK, 1, at(3)),
        ]
    )

    assert (reported.assessed, reported.completion, reported.self_level) == (1, 2, 4)


def test_gap_is_never_negative_and_zero_is_a_real_level():
    assert gap(2, 3) == 0
    assert gap(2, 0) == 2
    assert gap(None, 1) is None
