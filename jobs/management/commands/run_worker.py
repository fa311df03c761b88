"""The background worker: run_worker [--list] [--threads N] [--grace SECONDS] [--poll SECONDS]."""

import logging
import os
import signal
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from jobs.models import JobSchedule
from jobs.scheduler import job_task, jobs_configured
from jobs.worker import JobWorker


class Command(BaseCommand):
    help = (
        "Run the periodic jobs of settings.PERIODIC_JOBS on their schedules, and any task queued "
        "on the database backend. Any number of copies may run against one database: each due "
        "run is enqueued once and run by one worker. SIGTERM or Ctrl+C stop it: the current run "
        "finishes, or after --grace seconds goes back to the queue; the exit status is 0."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", help="Print the jobs, their schedules and next runs."
        )
        parser.add_argument(
            "--threads", type=int, default=1, help="Jobs run at the same time (default 1)."
        )
        parser.add_argument(
            "--grace",
            type=float,
            default=5.0,
            help="Seconds a stop waits for the current run before handing it back (default 5).",
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=0.5,
            help="Seconds between looks at the queue when it is empty (default 0.5).",
        )
        parser.add_argument(
            "--backend", default="database", help="The task backend served (default database)."
        )

    def handle(self, *args, threads, grace, poll, backend, **options):
        if threads < 1:
            raise CommandError("--threads must be at least 1.")
        if grace < 0 or poll <= 0:
            raise CommandError("--grace must not be negative and --poll must be positive.")
        try:
            jobs = jobs_configured()
            for job in jobs:
                task = job_task(job)
                if task.backend != backend:
                    raise ImproperlyConfigured(
                        f"{job.task_path} runs on the {task.backend!r} task backend; "
                        f"this worker serves {backend!r}."
                    )
        except (ImproperlyConfigured, ImportError, TypeError) as problem:
            raise CommandError(f"The periodic jobs are misconfigured: {problem}") from None
        if options["list"]:
            self._list(jobs)
            return
        worker = JobWorker(jobs=jobs, backend=backend, threads=threads, poll=poll, grace=grace)

        def stop(signum, frame):
            # The second signal stops at once: the current run goes back to the queue.
            worker.stop(hurry=worker.stopping)

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, stop)
        held = worker.serve()
        if not held:
            connections.close_all()
        # End the process here rather than through the interpreter's shutdown, which unloads
        # every imported library and takes seconds on a busy machine: a stop should be prompt.
        # A run handed back may still be executing in its thread; it writes nothing more, and
        # its open transaction rolls back with the connection.
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(0)

    def _list(self, jobs):
        try:
            due = dict(JobSchedule.objects.values_list("name", "next_run_at"))
        except DatabaseError:
            due = {}  # not migrated yet: the list still shows what would run
        rows = [("JOB", "SCHEDULE", "NEXT RUN", "TASK")]
        for job in jobs:
            following = due.get(job.name)
            rows.append(
                (
                    job.name,
                    job.schedule,
                    following.isoformat(timespec="seconds") if following else "not scheduled yet",
                    job.task_path,
                )
            )
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                + "  "
                + row[3]
            )
