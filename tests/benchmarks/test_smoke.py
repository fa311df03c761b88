"""Each benchmark's --smoke run: the same code paths at a tiny scale, so the scripts cannot rot.

The scripts start their own throwaway databases (a temporary SQLite file, or a PostgreSQL
database named for the process when DATABASE_URL names PostgreSQL) and never the one in
DATABASE_URL itself. The analytics and assignments runs measure on copies of one seeded
organisation, kept for the code as it stands, which the first of them seeds.
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
    _assert_measured_on_a_copy_of_the_kept_seed(report)


def _assert_measured_on_a_copy_of_the_kept_seed(report: dict) -> None:
    """The analytics and assignments smoke runs share one seed, kept for the code as it stands
    (benchmarks/benchkit/seeded.py), and each measures on a copy of its own that it drops."""
    database = report["database"]
    kept, copy = database["kept"], database["measured_on"]
    assert kept == report["parameters"]["database"]
    assert kept.startswith("lms_bench_seeded_")
    assert (report["seed"]["learners"], report["seed"]["seed"]) == (100, 1)
    databases = _databases()
    assert kept in databases
    assert copy not in databases


def _databases() -> set[str]:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as conn:
        return {name for (name,) in conn.execute("SELECT datname FROM pg_database")}


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


def test_assignments_scale_smoke_assigns_everyone_reminds_each_once_and_loads_the_reports():
    report = smoke("assignments_scale.py")
    assert set(report) == {
        "benchmark",
        "smoke",
        "parameters",
        "machine",
        "seed",
        "database",
        "organisation",
        "assign",
        "remind",
        "process",
        "pages",
        "goals",
        "seconds",
    }
    assert report["smoke"] is True
    _assert_measured_on_a_copy_of_the_kept_seed(report)
    made, remind = report["assign"], report["remind"]
    first, again = remind["first"], remind["again"]
    # Everyone with a place in the organisation got one row; those who had completed the
    # course already are done, every other row is due soon and got one email, claimed once.
    assert made["people_in_post_with_a_membership"] == made["people_in_post"]
    assert (made["rows_created"], made["rows_reported"]) == (made["people_in_post"],) * 2
    open_rows = made["rows_created"] - made["rows_completed_already"]
    assert (made["rows_open"], first["counts"]["overdue"]) == (open_rows, 0)
    assert (
        first["counts"]["due_soon"],
        first["counts"]["emailed"],
        first["emails_delivered_to_the_backend"],
        remind["emails_claimed"],
        remind["emails_by_status"],
    ) == (open_rows, open_rows, open_rows, open_rows, {"sent": open_rows})
    # Run again, it sends nothing.
    assert (again["counts"]["emailed"], again["emails_delivered_to_the_backend"]) == (0, 0)
    # Several batches, each after the first (which also looks up the settings and the
    # course's address once) sending the same number of queries.
    per_batch = first["per_batch"]
    assert per_batch["batches"] == first["batches_expected"] > 2
    assert per_batch["each"][1:] == [per_batch["queries_last"]] * (per_batch["batches"] - 1)
    assert per_batch["all_but_the_first_equal"] is True
    pages = report["pages"]["pages"]
    assert {
        name: (page["names_the_course"], page["warm"]["requests"]) for name, page in pages.items()
    } == {
        "compliance": (True, 4),
        "learners": (True, 4),
    }
    assert set(report["goals"]) == {
        "assign_to_everyone_under_30_s",
        "reminders_under_60_s",
        "reminder_queries_constant_per_batch",
        "report_pages_warm_server_p95_under_300_ms",
    }
