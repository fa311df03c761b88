"""run_worker as operators run it: real processes on one database, stopped by signals.

The workers share a copy of the migrated test database (a SQLite file, or a PostgreSQL database
made from the test database as a template), since each is a process of its own. Every process is
started once for the module; the tests read what they did, through a connection of their own to
that copy.
"""

import datetime as dt
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from jobs.models import JobSchedule

# The test database is set up (and copied for the workers); the tests themselves read the
# workers' copy through a connection of its own. The module is among tests/conftest.py's slow ones.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make") or "/usr/bin/make"
# Seconds a stopped worker may take to exit: its grace period (5 s) with room for a machine as
# busy as CI, where both cores run tests. How long it took is printed.
SIGNAL_TO_EXIT_LIMIT = 15.0
BROKEN = "RuntimeError: the broken job fails on purpose"


# The alias the tests read the workers' database through, there only while they read it: an
# alias that outlived a read would be barred from queries by each test's database guard.
WORKERS_DATABASE = "workers"


def _database_copy(tmp: Path) -> tuple[str, str, object]:
    """A DATABASE_URL for a copy of the migrated test database, its name, and how to drop it."""
    if connection.vendor == "sqlite":
        path = tmp / "workers.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}", str(path), lambda: None
    settings = connection.settings_dict
    source = settings["NAME"]
    name = f"{source}_workers"[:63]
    host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    server = f"postgres://{settings['USER']}@{host}"
    # A template may have no other session on it: this process lets go of its own first.
    connections.close_all()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')

    def drop():
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{server}/{name}", name, drop


class Workers:
    def __init__(self, url: str, name: str, tmp: Path, blocker):
        self.url = url
        self.name = name
        self.blocker = blocker
        self.tmp = tmp
        self.record = tmp / "record.txt"
        self.record.touch()
        self.started: list[subprocess.Popen] = []

    def env(self, job_set: str) -> dict:
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "tests.jobs.settings_worker",
            "JOBS_TEST_SET": job_set,
            "JOBS_TEST_RECORD": str(self.record),
            "PYTHONUNBUFFERED": "1",
        }

    def start(self, name: str, job_set: str, *args: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", *args],
            cwd=ROOT,
            env=self.env(job_set),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text()

    def wait_for_log(self, name: str, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log(name):
            assert time.monotonic() < deadline, f"{name} never logged {text!r}:\n{self.log(name)}"
            time.sleep(0.1)

    def stop(self, process: subprocess.Popen, signum=signal.SIGTERM) -> tuple[int, float]:
        process.send_signal(signum)
        began = time.monotonic()
        status = process.wait(timeout=30)
        return status, time.monotonic() - began

    def state(self) -> dict:
        """The runs and schedules in the workers' database, as JSON would carry them."""
        connections.settings[WORKERS_DATABASE] = {
            **connections.settings["default"],
            "NAME": self.name,
        }
        try:
            with self.blocker.unblock():
                runs = DBTaskResult.objects.using(WORKERS_DATABASE)
                schedules = JobSchedule.objects.using(WORKERS_DATABASE)
                return {
                    "runs": [
                        {
                            "id": str(row.id),
                            "task": row.task_path.rsplit(".", 1)[1],
                            "status": row.status,
                            "worker_ids": row.worker_ids,
                            "run_after": row.run_after.isoformat(),
                            "started_at": row.started_at and row.started_at.isoformat(),
                            "finished_at": row.finished_at and row.finished_at.isoformat(),
                            "exception": row.exception_class_path,
                        }
                        for row in runs.order_by("run_after", "enqueued_at")
                    ],
                    "schedules": {row.name: row.next_run_at.isoformat() for row in schedules},
                }
        finally:
            connections[WORKERS_DATABASE].close()
            del connections[WORKERS_DATABASE]
            del connections.settings[WORKERS_DATABASE]

    def recorded(self) -> list[str]:
        return self.record.read_text().splitlines()


@pytest.fixture(scope="module")
def workers(tmp_path_factory, django_db_setup, django_db_blocker):
    tmp = tmp_path_factory.mktemp("workers")
    with django_db_blocker.unblock():
        url, name, drop = _database_copy(tmp)
    workers = Workers(url, name, tmp, django_db_blocker)
    try:
        yield workers
    finally:
        # A test that failed before stopping its worker must not leave it running.
        for process in workers.started:
            if process.poll() is None:
                process.kill()
                process.wait()
        drop()


@pytest.fixture(scope="module")
def pair(workers):
    """Two workers on one database until they have run the every-second job four times and the
    failing one twice, with no failing run left waiting, then a SIGTERM to each."""
    first = workers.start("first", "pair")
    second = workers.start("second", "pair")
    for name in ("first", "second"):
        workers.wait_for_log(name, "Worker started")
    deadline = time.monotonic() + 60
    while not _enough_run(workers.state()):
        assert time.monotonic() < deadline, workers.log("first") + workers.log("second")
        time.sleep(0.2)
    stops = [workers.stop(first), workers.stop(second)]
    return {"stops": stops, "state": workers.state(), "recorded": workers.recorded()}


def _runs(state: dict, task: str) -> list[dict]:
    return [run for run in state["runs"] if run["task"] == task]


def _enough_run(state: dict) -> bool:
    broken = _runs(state, "broken")
    return (
        len(_runs(state, "tick")) >= 4
        and len(broken) >= 2
        and all(run["status"] == "FAILED" for run in broken)
    )


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_two_workers_enqueue_each_due_run_once_and_run_it_once(pair):
    ticks = _runs(pair["state"], "tick")

    assert len(ticks) >= 4  # one a second, run four times before the stop
    due_times = [run["run_after"] for run in ticks]
    assert len(due_times) == len(set(due_times))  # no due time enqueued twice
    finished = [run for run in ticks if run["status"] == "SUCCESSFUL"]
    assert [len(run["worker_ids"]) for run in finished] == [1] * len(finished)
    ran = Counter(line.split()[1] for line in pair["recorded"] if line.startswith("tick "))
    assert ran == Counter(run["id"] for run in finished)  # each finished run ran exactly once
    assert {run["status"] for run in ticks} <= {"SUCCESSFUL", "READY"}


def test_a_job_not_yet_due_is_not_run(pair):
    assert _runs(pair["state"], "later") == []
    assert [line for line in pair["recorded"] if line.startswith("later ")] == []
    due = _at(pair["state"]["schedules"]["later"])
    assert dt.timedelta(hours=11) < due - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=12)


def test_a_failing_job_is_logged_and_the_workers_go_on(pair, workers):
    broken = _runs(pair["state"], "broken")
    ticks_after_first_failure = [
        run
        for run in _runs(pair["state"], "tick")
        if run["started_at"] and run["started_at"] > broken[0]["finished_at"]
    ]

    assert len(broken) >= 2
    assert {(run["status"], run["exception"]) for run in broken} == {
        ("FAILED", "builtins.RuntimeError")
    }
    logs = workers.log("first") + workers.log("second")
    assert logs.count(BROKEN) == len(broken)
    assert ticks_after_first_failure != []


def test_sigterm_stops_each_worker_with_status_0_within_seconds(pair):
    statuses = [status for status, _ in pair["stops"]]
    seconds = [taken for _, taken in pair["stops"]]

    assert statuses == [0, 0]
    assert max(seconds) < SIGNAL_TO_EXIT_LIMIT
    ticks = [run for run in _runs(pair["state"], "tick") if run["started_at"]]
    late = [(_at(run["started_at"]) - _at(run["run_after"])).total_seconds() for run in ticks]
    print(
        f"\n[{connection.vendor}] clean stop (SIGTERM to exit): "
        + ", ".join(f"{taken:.2f} s" for taken in seconds)
        + f"; scheduling delay over {len(late)} runs: median {statistics.median(late):.3f} s, "
        f"max {max(late):.3f} s"
    )


def test_a_run_that_outlasts_the_grace_period_goes_back_to_the_queue(workers):
    process = workers.start("slow", "slow", "--grace", "1")
    deadline = time.monotonic() + 60
    while not any(line.startswith("slow started") for line in workers.recorded()):
        assert time.monotonic() < deadline, workers.log("slow")
        time.sleep(0.1)

    status, taken = workers.stop(process)
    print(f"\n[{connection.vendor}] stop with a run outlasting --grace 1: {taken:.2f} s")

    assert status == 0
    assert taken < 1 + SIGNAL_TO_EXIT_LIMIT
    [run] = _runs(workers.state(), "slow")
    assert (run["status"], run["started_at"], run["finished_at"]) == ("READY", None, None)
    assert "handed back to the queue" in workers.log("slow")
    assert not any(line.startswith("slow finished") for line in workers.recorded())


def _group(pgid: int) -> list[str]:
    listed = subprocess.run(
        ["/usr/bin/ps", "-o", "stat=,args=", "-g", str(pgid)], capture_output=True, text=True
    ).stdout
    return [line.split(None, 1)[1] for line in listed.splitlines() if not line.startswith("Z")]


def _sigint_as_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_make_run_starts_the_worker_beside_the_server_and_ctrl_c_stops_both(workers):
    port = 8700 + os.getpid() % 200
    log = open(workers.tmp / "make.log", "w")  # noqa: SIM115 (closed with the process)
    make = subprocess.Popen(
        # The prerequisites (install, assets, migrate, seed) are taken as done: the recipe is
        # under test, on the workers' database.
        [
            MAKE,
            "-o",
            "install",
            "-o",
            "assets",
            "-o",
            "migrate",
            "-o",
            "seed",
            "run",
            f"PORT={port}",
        ],
        cwd=ROOT,
        env=workers.env("pair"),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # As from a terminal: Ctrl+C's signal acts. A test runner's worker process may ignore
        # SIGINT, and an ignored signal stays ignored in the processes it starts.
        preexec_fn=_sigint_as_default,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/xapi/about", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, (workers.tmp / "make.log").read_text()
                time.sleep(0.3)
        workers.wait_for_log("make", "Worker started")
        running = _group(make.pid)

        os.killpg(make.pid, signal.SIGINT)  # what Ctrl+C in the terminal does
        began = time.monotonic()
        # Generous: how fast it stops is measured (printed), not asserted; stopping at all is.
        make.wait(timeout=120)
        while _group(make.pid) and time.monotonic() - began < 120:
            time.sleep(0.1)
        taken = time.monotonic() - began
    finally:
        if _group(make.pid):  # a failure above must not leave the server or worker running
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()

    commands = [args.split()[1:3] for args in running if "bin/python" in args.split()[0]]
    assert commands.count(["manage.py", "run_worker"]) == 1
    # runserver and its autoreloading child
    assert commands.count(["manage.py", "runserver"]) == 2
    assert _group(make.pid) == []
    print(f"make run: Ctrl+C to both processes gone in {taken:.2f} s")
    assert "Worker stopped" in (workers.tmp / "make.log").read_text()
