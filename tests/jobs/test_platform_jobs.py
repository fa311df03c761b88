"""The platform's own periodic jobs (lms/tasks.py), run as the worker runs them: enqueued on the
database queue when due, then taken from it and run."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import JobSchedule
from jobs.scheduler import due_jobs_enqueue, jobs_configured
from jobs.worker import QueueRunner
from lms import tasks
from organisations.models import Department
from tests.analytics.scenario import build_organisation


def _run_queue() -> dict[str, tuple[str, object]]:
    # Each queued run through the worker's own runner, claimed as it claims them; its polling
    # loop is left out because it recycles the connection, which would end the test's
    # transaction (tests/jobs/test_worker_processes.py runs the loop in real processes).
    runner = QueueRunner(
        queue_names=["*"], interval=0, batch=True, backend_name="database",
        startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
    )  # fmt: skip
    for queued in DBTaskResult.objects.ready().filter(backend_name="database"):
        queued.claim(runner.worker_id)
        runner.run_task(queued)
    return {
        row.task_path.rsplit(".", 1)[1]: (row.status, row.return_value)
        for row in DBTaskResult.objects.all()
    }


@pytest.mark.django_db
def test_every_platform_job_runs_from_the_queue_when_due(framework):
    now = timezone.now()
    # The nightly jobs are due too: their hour has come.
    for nightly in ("snapshot_skill_gaps", "prune_task_results"):
        JobSchedule.objects.create(name=nightly, next_run_at=now - dt.timedelta(seconds=1))

    enqueued, _ = due_jobs_enqueue(jobs_configured(), now=now)

    assert sorted(done.job for done in enqueued) == [
        "assignments_sync", "forward_statements", "prune_task_results", "publish_scheduled",
        "refresh_reports", "reminders_send", "snapshot_skill_gaps",
    ]  # fmt: skip
    months = 2 if timezone.localdate().day == 1 else 1
    assert _run_queue() == {
        "forward_statements": ("SUCCESSFUL", ""),
        "publish_scheduled": ("SUCCESSFUL", ""),
        "refresh_reports": ("SUCCESSFUL", "Computed 2 reports for evidence version 0.0.0.0."),
        "snapshot_skill_gaps": ("SUCCESSFUL", f"Recorded 0 snapshot rows for {months} month(s)."),
        "prune_task_results": ("SUCCESSFUL", ""),
        "assignments_sync": (
            "SUCCESSFUL",
            "joined 0, left 0, cycles opened 0, statements: assigned 0, missed due date 0",
        ),
        "reminders_send": (
            "SUCCESSFUL",
            "New reminders: 0 due soon, 0 overdue. Emails sent: 0; not emailed by the person's "
            "choice: 0. Line manager digests sent: 0.",
        ),
    }  # fmt: skip


@pytest.mark.django_db
def test_the_report_refresh_computes_only_when_the_evidence_has_changed(framework):
    build_organisation()
    reports = Department.objects.count() + 2  # the organisation, each department, DigComp
    version = tasks.projection_version()

    first = tasks.refresh_reports.call()
    again = tasks.refresh_reports.call()

    assert (first, again) == (
        f"Computed {reports} reports for evidence version {version}.",
        f"Evidence version {version} unchanged: nothing to compute.",
    )
