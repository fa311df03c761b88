"""The worker process: the scheduler in the main thread, runners of queued tasks in threads.

The runners are django-tasks-db's own queue loop (it claims a queued run with a row lock, or the
exclusive write lock on SQLite, so each run is taken by one runner of one worker). Stopping asks
each runner to finish its current run; a run still going after the grace period is handed back
to the queue, so another worker, or this one when it starts again, runs it from the start. The
periodic jobs are written to be safe to run again after an interruption.
"""

import datetime as dt
import logging
import os
import socket
import threading
import time

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from jobs.scheduler import due_jobs_enqueue
from jobs.schedules import Job

logger = logging.getLogger(__name__)

# The scheduler sleeps until the next due time, but wakes at least this often: a job whose due
# time another worker moved, or a clock that jumped, is noticed within it.
LONGEST_SLEEP = 1.0


class QueueRunner(Worker):
    """django-tasks-db's queue loop, remembering which run it holds so that a stop can hand it
    back to the queue."""

    current: str | None = None

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current = str(db_task_result.pk)
        try:
            super().run_task(db_task_result)
        finally:
            self.current = None
        # django-tasks logs failures with their traceback; this line says how each run went and
        # how late it started (run_after is when the scheduler found it due).
        done = db_task_result
        if done.started_at is None or done.finished_at is None:
            return
        late = ""
        if done.run_after.year < 9999:  # django-tasks-db's "no run_after" is the year 9999
            late = f", started {(done.started_at - done.run_after).total_seconds():.2f} s after due"
        # A routine success every few seconds would crowd the console `make run` shares with
        # the server: successes at DEBUG, anything else at WARNING.
        level = logging.DEBUG if done.status == TaskResultStatus.SUCCESSFUL else logging.WARNING
        logger.log(
            level,
            "%s %s in %.2f s%s",
            done.task_path,
            done.status.lower(),
            (done.finished_at - done.started_at).total_seconds(),
            late,
        )


class JobWorker:
    def __init__(
        self,
        *,
        jobs: list[Job],
        backend: str = "database",
        threads: int = 1,
        poll: float = 0.5,
        grace: float = 5.0,
    ) -> None:
        self.jobs = jobs
        self.poll = poll
        self.grace = grace
        self._stopping = threading.Event()
        self._hurry = threading.Event()
        prefix = f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(6)}"
        self.runners = [
            QueueRunner(
                queue_names=["*"],
                interval=poll,
                batch=False,
                backend_name=backend,
                startup_delay=False,
                max_tasks=None,
                worker_id=f"{prefix}-{number}",
                excluded_queue_names=[],
            )
            for number in range(1, threads + 1)
        ]

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self, *, hurry: bool = False) -> None:
        """Stop after the current runs (or hand them back at once with `hurry`)."""
        self._stopping.set()
        for runner in self.runners:
            runner.running = False
        if hurry:
            self._hurry.set()

    def serve(self) -> list[str]:
        """Schedule and run jobs until stopped; returns the ids of the runs handed back."""
        threads = [
            threading.Thread(
                target=self._run_queue, args=(runner,), name=runner.worker_id, daemon=True
            )
            for runner in self.runners
        ]
        for thread in threads:
            thread.start()
        logger.info("Worker started: %d job(s), %d runner(s)", len(self.jobs), len(self.runners))
        while not self._stopping.is_set():
            self._stopping.wait(self._schedule())
        return self._wind_down(threads)

    def _schedule(self) -> float:
        """Enqueue what is due; returns how long to sleep before looking again."""
        # A long-running process drops stale connections as a request would.
        close_old_connections()
        try:
            _, upcoming = due_jobs_enqueue(self.jobs)
        except Exception:
            # A database that is briefly away, or one job's broken task, must not end the
            # worker: the due times are where they were, the next look retries.
            logger.exception("Scheduling the periodic jobs failed; retrying")
            return LONGEST_SLEEP
        if upcoming is None:
            return LONGEST_SLEEP
        return min(max((upcoming - timezone.now()).total_seconds(), 0.01), LONGEST_SLEEP)

    def _run_queue(self, runner: QueueRunner) -> None:
        try:
            while runner.running:
                try:
                    runner.run()
                except Exception:
                    logger.exception("Running queued jobs failed; retrying")
                    time.sleep(self.poll)
        finally:
            connections.close_all()

    def _wind_down(self, threads: list[threading.Thread]) -> list[str]:
        deadline = time.monotonic() + self.grace
        for thread in threads:
            while thread.is_alive() and time.monotonic() < deadline and not self._hurry.is_set():
                thread.join(0.05)
        held = [
            runner.current
            for runner, thread in zip(self.runners, threads, strict=True)
            if thread.is_alive() and runner.current
        ]
        for result_id in held:
            try:
                DBTaskResult.objects.filter(pk=result_id, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.READY, started_at=None
                )
            except DatabaseError:
                logger.exception("Run %s could not be handed back: it stays running", result_id)
            else:
                logger.warning("Run %s did not finish in time: handed back to the queue", result_id)
        logger.info("Worker stopped at %s", dt.datetime.now(dt.UTC).isoformat())
        return held
