"""Each benchmark's --smoke run: the same code paths at a tiny scale, so the scripts cannot rot.

The scripts start their own throwaway databases (a temporary SQLite file, or a PostgreSQL
database named for the process when DATABASE_URL names PostgreSQL) and never the one in
DATABASE_URL itself.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Independent of the database the suite runs on, so CI runs them in one of its two passes only.
pytestmark = pytest.mark.benchmark

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def smoke(script: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--smoke"],
        cwd=BENCHMARKS.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout)


def test_lrs_conformance_smoke_serves_a_fresh_lrs_and_checks_its_about_resource():
    report = smoke("lrs_conformance.py")
    assert set(report) == {
        "benchmark",
        "smoke",
        "parameters",
        "2.0.0",
        "goal",
        "goal_met",
        "logs",
        "seconds",
    }
    assert report["smoke"] is True
    assert {k: v for k, v in report["2.0.0"].items() if k != "seconds"} == {
        "passed": 1,
        "total": 1,
        "failed": 0,
        "failing_tests": [],
    }


def test_lrs_ingest_smoke_measures_our_lrs_and_checks_what_it_stored():
    report = smoke("lrs_ingest.py")
    assert set(report) == {
        "benchmark",
        "smoke",
        "parameters",
        "gunicorn_workers_why",
        "ours",
        "seconds",
    }
    assert report["smoke"] is True
    assert report["ours"]["stored_check"]["equal"] is True


def test_roster_import_smoke_imports_three_files_into_one_new_database():
    report = smoke("roster_import.py")
    assert set(report) == {
        "smoke",
        "rows",
        "seed",
        "changes",
        "databases",
        "goal",
        "goal_met",
        "cpus",
    }
    assert report["smoke"] is True
    assert report["rows"] == 500
    (result,) = report["databases"].values()
    assert set(result) == {"first", "rerun", "changes"}


def test_lrs_query_smoke_seeds_times_and_explains_every_filter_then_drops_its_database():
    report = smoke("lrs_query.py")
    assert set(report) == {
        "benchmark",
        "smoke",
        "parameters",
        "seed",
        "table_rows",
        "queries",
        "goals",
        "database_kept",
        "seconds",
    }
    assert report["smoke"] is True
    assert report["table_rows"]["xapi_statement"] == 1_000
    assert report["database_kept"] is False


def test_analytics_scale_smoke_seeds_rebuilds_absorbs_and_loads_the_reports():
    report = smoke("analytics_scale.py")
    assert set(report) == {
        "benchmark",
        "smoke",
        "parameters",
        "machine",
        "seed",
        "database",
        "store",
        "rebuild",
        "incremental",
        "dashboards",
        "goals",
        "seconds",
    }
    assert report["smoke"] is True
    assert report["database"]["kept"] is None


def test_lrs_forwarding_smoke_drains_the_outbox_after_every_fault_without_losing_any():
    report = smoke("lrs_forwarding.py")
    assert set(report) == {"benchmark", "smoke", "parameters", "faults", "seconds"}
    assert report["smoke"] is True
    assert set(report["faults"]) == {"down", "failing", "silent", "killed"}
    for name, result in report["faults"].items():
        # The worker met each fault (a kill takes its one batch on the wire), and after it
        # every statement reached the peer.
        met = (
            result["requests_during_fault"] == 1
            if name == "killed"
            else result["requests_during_fault"] > 0
        )
        assert (name, met, result["drained"], result["left_in_outbox"], result["lost"]) == (
            name,
            True,
            True,
            0,
            0,
        )
    # The batch on the wire when its worker was killed went out again once its lease ended.
    killed = report["faults"]["killed"]["received_twice_or_more"]
    assert killed == report["parameters"]["batch_size"]
