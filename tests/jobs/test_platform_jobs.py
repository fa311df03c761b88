"""The platform's own periodic jobs (lms/tasks.py), run as the worker runs them: enqueued on the
database queue when due, then taken from it and run."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import JobSchedule
from jobs.scheduler import due_jobs_enqueue, jobs_configured
from lms import tasks
from organisations.models import Department
from tests.analytics.scenario import build_organisation


def _run_queue() -> dict[str, tuple[str, object]]:
    call_command(
        "db_worker", "--batch", "--backend", "database", "--queue-name", "*",
        "--no-startup-delay", "--no-reload", verbosity=0, stdout=io.StringIO(),
    )  # fmt: skip
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
        "forward_statements", "prune_task_results", "publish_scheduled", "refresh_reports",
        "snapshot_skill_gaps",
    ]  # fmt: skip
    months = 2 if timezone.localdate().day == 1 else 1
    assert _run_queue() == {
        "forward_statements": ("SUCCESSFUL", ""),
        "publish_scheduled": ("SUCCESSFUL", ""),
        "refresh_reports": ("SUCCESSFUL", "Computed 2 reports for evidence version 0.0.0.0."),
        "snapshot_skill_gaps": ("SUCCESSFUL", f"Recorded 0 snapshot rows for {months} month(s)."),
        "prune_task_results": ("SUCCESSFUL", ""),
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
