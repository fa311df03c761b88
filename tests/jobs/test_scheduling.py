"""The schedule of each periodic job and the claim that makes one worker enqueue each run."""

# Expected messages and the --list table are compared whole, one line each.
# ruff: noqa: E501

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import JobSchedule
from jobs.scheduler import Enqueued, due_jobs_enqueue, job_claim, jobs_configured
from jobs.schedules import job_from_entry

NOON = dt.datetime(2026, 3, 28, 12, 0, tzinfo=dt.UTC)
TICK = {"tick": {"task": "tests.jobs.tasks.tick", "every": 5}}


def test_a_job_every_few_seconds_is_due_at_once_then_every_period():
    job = job_from_entry("tick", TICK["tick"])

    assert (job.first_due(NOON), job.next_after(NOON), job.schedule) == (
        NOON,
        NOON + dt.timedelta(seconds=5),
        "every 5 s",
    )


def test_a_daily_job_is_due_at_its_hour_in_the_site_time_zone_across_a_clock_change():
    job = job_from_entry(
        "nightly", {"task": "lms.tasks.snapshot_skill_gaps", "daily_at": "02:30"},
        time_zone="Europe/London",
    )  # fmt: skip
    london = ZoneInfo("Europe/London")

    # 29 March 2026: clocks go forward at 01:00 UTC, so 02:30 London is 01:30 UTC.
    assert job.first_due(NOON) == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    assert job.next_after(dt.datetime(2026, 3, 29, 2, 30, tzinfo=london)) == dt.datetime(
        2026, 3, 30, 1, 30, tzinfo=dt.UTC
    )
    assert job.schedule == "daily at 02:30 (Europe/London)"


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"task": "lms.tasks.x"}, "give exactly one of 'every' (seconds) and 'daily_at' ('HH:MM')."),
        ({"task": "x", "every": 5}, "'task' must be a task's dotted path, e.g. 'lms.tasks.forward_statements'."),
        ({"task": "lms.tasks.x", "every": 0}, "'every' must be a positive number of seconds."),
        ({"task": "lms.tasks.x", "daily_at": "25:00"}, "'daily_at' must be a time of day such as '02:00'."),
        ({"task": "lms.tasks.x", "every": 5, "cron": "* * * * *"}, "unknown keys ['cron']."),
    ],
)  # fmt: skip
def test_a_misconfigured_job_is_refused_with_what_is_wrong(entry, problem):
    with pytest.raises(ImproperlyConfigured) as refused:
        job_from_entry("tick", entry)

    assert str(refused.value) == f"PERIODIC_JOBS['tick']: {problem}"


def test_the_platform_jobs_are_tasks_on_the_database_queue():
    assert [(job.name, job.schedule) for job in jobs_configured()] == [
        ("forward_statements", "every 5 s"),
        ("publish_scheduled", "every 60 s"),
        ("refresh_reports", "every 60 s"),
        ("snapshot_skill_gaps", "daily at 02:00 (UTC)"),
        ("prune_task_results", "daily at 03:00 (UTC)"),
        ("assignments_sync", "every 300 s"),
        ("reminders_send", "every 3600 s"),
    ]


@pytest.mark.django_db
def test_run_worker_lists_the_jobs_with_their_next_runs():
    JobSchedule.objects.create(name="publish_scheduled", next_run_at=NOON)
    out = io.StringIO()

    call_command("run_worker", "--list", stdout=out)

    assert out.getvalue().splitlines() == [
        "JOB                  SCHEDULE              NEXT RUN                   TASK",
        "forward_statements   every 5 s             not scheduled yet          lms.tasks.forward_statements",
        "publish_scheduled    every 60 s            2026-03-28T12:00:00+00:00  lms.tasks.publish_scheduled",
        "refresh_reports      every 60 s            not scheduled yet          lms.tasks.refresh_reports",
        "snapshot_skill_gaps  daily at 02:00 (UTC)  not scheduled yet          lms.tasks.snapshot_skill_gaps",
        "prune_task_results   daily at 03:00 (UTC)  not scheduled yet          lms.tasks.prune_task_results",
        "assignments_sync     every 300 s           not scheduled yet          lms.tasks.assignments_sync",
        "reminders_send       every 3600 s          not scheduled yet          lms.tasks.reminders_send",
    ]  # fmt: skip


@override_settings(PERIODIC_JOBS={"bad": {"task": "lms.tasks.nothing_here", "every": 5}})
def test_run_worker_refuses_a_job_that_is_not_a_task():
    with pytest.raises(CommandError) as refused:
        call_command("run_worker", "--list", stdout=io.StringIO())

    assert str(refused.value).startswith("The periodic jobs are misconfigured: ")


@override_settings(PERIODIC_JOBS={"wagtail": {"task": "wagtail.tasks.update_reference_index_task", "every": 5}})  # fmt: skip
def test_run_worker_refuses_a_task_on_another_backend():
    with pytest.raises(CommandError) as refused:
        call_command("run_worker", "--list", stdout=io.StringIO())

    assert str(refused.value) == (
        "The periodic jobs are misconfigured: wagtail.tasks.update_reference_index_task runs on the "
        "'default' task backend; this worker serves 'database'."
    )


def _runs() -> list[tuple[str, str, dt.datetime]]:
    return [
        (row.task_path, row.status, row.run_after)
        for row in DBTaskResult.objects.order_by("run_after")
    ]


@pytest.mark.django_db
def test_a_due_run_is_enqueued_once_and_the_due_time_moves_on():
    job = job_from_entry("tick", TICK["tick"])
    JobSchedule.objects.create(name="tick", next_run_at=NOON)

    won = job_claim(job, seen=NOON, now=NOON + dt.timedelta(seconds=1))
    # A second worker read the same due time before the first moved it: its claim finds nothing.
    lost = job_claim(job, seen=NOON, now=NOON + dt.timedelta(seconds=1))

    assert (won.job, won.due, lost) == ("tick", NOON, None)
    assert _runs() == [("tests.jobs.tasks.tick", TaskResultStatus.READY, NOON)]
    assert JobSchedule.objects.get().next_run_at == NOON + dt.timedelta(seconds=5)


@pytest.mark.django_db
def test_a_job_not_yet_due_is_not_enqueued_and_missed_runs_collapse_into_one():
    jobs = [
        job_from_entry("tick", TICK["tick"]),
        job_from_entry("later", {"task": "tests.jobs.tasks.later", "daily_at": "13:00"}),
    ]
    JobSchedule.objects.create(name="tick", next_run_at=NOON - dt.timedelta(hours=1))

    enqueued, upcoming = due_jobs_enqueue(jobs, now=NOON)

    assert [(done.job, done.due) for done in enqueued] == [("tick", NOON - dt.timedelta(hours=1))]
    assert dict(JobSchedule.objects.values_list("name", "next_run_at")) == {
        "tick": NOON + dt.timedelta(seconds=5),  # an hour of missed runs made one run
        "later": NOON + dt.timedelta(hours=1),
    }
    assert upcoming == NOON + dt.timedelta(seconds=5)
    assert _runs() == [("tests.jobs.tasks.tick", TaskResultStatus.READY, NOON - dt.timedelta(hours=1))]  # fmt: skip


@pytest.mark.django_db
def test_a_run_still_waiting_holds_back_the_next_one():
    job = job_from_entry("tick", TICK["tick"])
    JobSchedule.objects.create(name="tick", next_run_at=NOON)
    first = job_claim(job, seen=NOON, now=NOON)

    second_due = NOON + dt.timedelta(seconds=5)
    skipped = job_claim(job, seen=second_due, now=second_due)

    assert (isinstance(first, Enqueued), skipped) == (True, None)
    assert _runs() == [("tests.jobs.tasks.tick", TaskResultStatus.READY, NOON)]
    assert JobSchedule.objects.get().next_run_at == NOON + dt.timedelta(seconds=10)


@pytest.mark.django_db
def test_a_shortened_schedule_brings_a_far_due_time_in():
    job = job_from_entry("tick", TICK["tick"])
    JobSchedule.objects.create(name="tick", next_run_at=NOON + dt.timedelta(hours=1))

    enqueued, _ = due_jobs_enqueue([job], now=NOON)

    assert enqueued == []
    assert JobSchedule.objects.get().next_run_at == NOON + dt.timedelta(seconds=5)
