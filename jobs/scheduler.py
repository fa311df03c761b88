"""Enqueue each periodic job's due run exactly once, however many workers are running.

Each job has one JobSchedule row. A worker reads the due time, then in one transaction moves it
on with an UPDATE conditional on the value it read and, only if that UPDATE changed a row,
enqueues the run on the database task queue. Two copies racing for one run: on PostgreSQL the
second UPDATE waits for the first to commit and then matches no row; on SQLite the write lock
serialises them the same way. Claim and enqueue commit together, so a worker that dies between
them loses nothing: the due time is still there for the next one.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import JobSchedule
from jobs.schedules import Job, jobs_from_settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Enqueued:
    job: str
    due: dt.datetime
    result_id: str


def jobs_configured() -> list[Job]:
    return jobs_from_settings(settings.PERIODIC_JOBS, time_zone=settings.TIME_ZONE)


def job_task(job: Job) -> Task:
    task = import_string(job.task_path)
    if not isinstance(task, Task):
        raise TypeError(f"{job.task_path} is not a django-tasks task (decorate it with @task).")
    return task


def schedules_ensure(jobs: list[Job], *, now: dt.datetime) -> dict[str, dt.datetime]:
    """Every job's next due time, creating the rows of jobs seen for the first time."""
    names = [job.name for job in jobs]
    known = dict(JobSchedule.objects.filter(name__in=names).values_list("name", "next_run_at"))
    missing = [job for job in jobs if job.name not in known]
    if missing:
        # Another worker may create the same rows at the same moment; the first one stays.
        JobSchedule.objects.bulk_create(
            [JobSchedule(name=job.name, next_run_at=job.first_due(now)) for job in missing],
            ignore_conflicts=True,
        )
        known = dict(JobSchedule.objects.filter(name__in=names).values_list("name", "next_run_at"))
    return known


def _run_outstanding(job: Job, task: Task, now: dt.datetime) -> bool:
    """A run of this job still waits in the queue, or is running and not yet past its timeout:
    enqueueing another would only pile up runs behind a slow one."""
    return (
        DBTaskResult.objects.filter(task_path=task.module_path, backend_name=task.backend)
        .filter(
            Q(status=TaskResultStatus.READY)
            | Q(status=TaskResultStatus.RUNNING, started_at__gt=now - job.timeout)
        )
        .exists()
    )


def job_claim(job: Job, *, seen: dt.datetime, now: dt.datetime) -> Enqueued | None:
    """Claim the run due at `seen` and enqueue it. None if another worker claimed it first, or
    if the previous run is still outstanding (the claim then only moves the due time on)."""
    task = job_task(job)
    following = job.next_after(seen)
    if following <= now:
        # Runs missed while no worker ran collapse into this one.
        following = job.next_after(now)
    with transaction.atomic():
        claimed = JobSchedule.objects.filter(name=job.name, next_run_at=seen).update(
            next_run_at=following
        )
        if not claimed:
            return None
        if _run_outstanding(job, task, now):
            logger.info("%s is due but its previous run is not finished: skipped", job.name)
            return None
        # run_after records when the run was due, so its start shows how late it began.
        result = task.using(run_after=seen).enqueue()
    logger.debug("%s due at %s enqueued", job.name, seen.isoformat())
    return Enqueued(job=job.name, due=seen, result_id=str(result.id))


def due_jobs_enqueue(
    jobs: list[Job], *, now: dt.datetime | None = None
) -> tuple[list[Enqueued], dt.datetime | None]:
    """Enqueue every job that is due; returns what was enqueued and the next due time."""
    now = now or timezone.now()
    due_times = schedules_ensure(jobs, now=now)
    enqueued = []
    for job in jobs:
        seen = due_times[job.name]
        if seen <= now:
            done = job_claim(job, seen=seen, now=now)
            if done is not None:
                enqueued.append(done)
        elif seen > job.next_after(now):
            # The schedule was shortened in settings since this due time was set: bring it in.
            JobSchedule.objects.filter(name=job.name, next_run_at=seen).update(
                next_run_at=job.next_after(now)
            )
    upcoming = JobSchedule.objects.filter(name__in=[job.name for job in jobs]).order_by(
        "next_run_at"
    )
    return enqueued, upcoming.values_list("next_run_at", flat=True).first()
