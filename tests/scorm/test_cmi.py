"""The CMI data model checks and the rollup arithmetic, without the database."""

import pytest

from scorm.cmi import CmiInvalid, CmiSummary, cmi_parse, duration_iso, seconds_2004
from scorm.rollup import Rollup, ScoResult, ScoRules, package_rollup, sco_result
from tests.scorm.helpers import cmi2004


def test_scorm2004_commit_summary():
    payload = cmi2004("completed", "failed", "-0.25", session="PT1H2M3.5S", exit_="suspend")
    payload["cmi"].update(location="page-3", suspend_data="x")
    assert cmi_parse(payload, version="2004")[1] == CmiSummary(
        completion_status="completed",
        success_status="failed",
        score_raw=None,
        score_min=None,
        score_max=None,
        score_scaled=-0.25,
        session_seconds=3723.5,
        exit="suspend",
        location="page-3",
        suspend_data="x",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"completion_status": "done"}, "cmi.completion_status 'done' is not a SCORM 2004 value"),
        ({"success_status": "ok"}, "cmi.success_status 'ok' is not a SCORM 2004 value"),
        ({"score": {"scaled": "1.5"}}, "cmi.score.scaled must be between -1 and 1"),
        ({"score": {"scaled": "NaN"}}, "cmi.score.scaled must be a finite number"),
        ({"session_time": "PT"}, "session_time 'PT' is not an ISO 8601 duration"),
        ({"exit": "later"}, "cmi.exit 'later' is not a SCORM 2004 exit value"),
        ({"progress_measure": "2"}, "cmi.progress_measure must be between 0 and 1"),
        ({"location": 5}, "cmi.location must be a string"),
        ({"interactions": "many"}, "cmi.interactions must be a list or an object"),
        (
            {"interactions": {str(i): {} for i in range(501)}},
            "cmi.interactions holds more than 500 entries",
        ),
    ],
)
def test_scorm2004_commit_refusals(change, message):
    payload = cmi2004()
    payload["cmi"].update(change)
    with pytest.raises(CmiInvalid) as refused:
        cmi_parse(payload, version="2004")
    assert refused.value.message == message


def test_durations():
    assert (seconds_2004("P1DT1M"), duration_iso(3723.5), duration_iso(59)) == (
        86460.0,
        "PT1H2M3.5S",
        "PT0H0M59S",
    )


SCO = ScoRules(is_sco=True, mastery_score=None, scaled_passing_score=None)


def test_scaled_passing_score_decides_success_in_scorm2004():
    summary = cmi_parse(cmi2004("completed", "unknown", "0.6"), version="2004")[1]
    rules = ScoRules(is_sco=True, mastery_score=None, scaled_passing_score=0.7)
    assert sco_result(summary, rules) == ScoResult("completed", "failed", 0.6)


def test_rollup_fails_on_any_failure_passes_when_all_are_satisfied_and_skips_the_untracked():
    done = ScoResult("completed", "passed", 1.0)
    failed = ScoResult("completed", "failed", 0.2)
    untracked = ScoRules(
        is_sco=True,
        mastery_score=None,
        scaled_passing_score=None,
        counts_for_completion=False,
        counts_for_success=False,
    )
    assert [
        package_rollup([(SCO, done), (SCO, failed)]),
        package_rollup([(SCO, done), (untracked, None)]),
        package_rollup([(SCO, done), (SCO, ScoResult("incomplete", "unknown", None))]),
        package_rollup([(SCO, ScoResult("completed", "unknown", None)), (untracked, failed)]),
        package_rollup([(SCO, ScoResult("completed", "unknown", None)), (SCO, done)]),
    ] == [
        Rollup(completed=True, passed=False, score_scaled=0.6),
        Rollup(completed=True, passed=True, score_scaled=1.0),
        Rollup(completed=False, passed=None, score_scaled=1.0),
        Rollup(completed=True, passed=None, score_scaled=0.2),
        Rollup(completed=True, passed=True, score_scaled=1.0),
    ]
