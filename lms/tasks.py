"""The platform's periodic jobs, as tasks on the database queue.

settings.PERIODIC_JOBS says when each runs and `manage.py run_worker` runs them. Each one is
what an operator's one-shot command does, so the two never drift apart; the command's output
is logged and kept as the run's result. Every job is safe to run again after an interruption:
forwarding re-sends only what its peer has not acknowledged, publishing and snapshots redo
their work, a report refresh recomputes.
"""

import io
import logging

from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

from analytics.reports.refresh import refresh_reports as reports_refresh
from analytics.reports.store_frames import projection_version

logger = logging.getLogger(__name__)

# The evidence version the reports were last refreshed for, shared by every worker through the
# cache, so that a refresh runs only when the evidence has changed since.
REFRESHED_VERSION_KEY = "jobs:refresh_reports:version"


def _command(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=out)
    text = out.getvalue().strip()
    if text:
        logger.info("%s: %s", name, text)
    return text


@task(backend="database")
def forward_statements() -> str:
    return _command("forward_statements")


@task(backend="database")
def publish_scheduled() -> str:
    return _command("publish_scheduled")


@task(backend="database")
def refresh_reports() -> str:
    version = projection_version()
    if cache.get(REFRESHED_VERSION_KEY) == version:
        return f"Evidence version {version} unchanged: nothing to compute."
    done = reports_refresh()
    if done is None:
        return "No competency framework is published yet: nothing to compute."
    # The version read before computing: evidence arriving meanwhile makes the next run compute.
    cache.set(REFRESHED_VERSION_KEY, version, None)
    text = f"Computed {done.reports} reports for evidence version {done.version}."
    logger.info("refresh_reports: %s", text)
    return text


@task(backend="database")
def snapshot_skill_gaps() -> str:
    # On the 1st the month that has just ended is closed with all of its evidence, as it stood
    # at its end; on other days the current month's figures are recorded as they stand.
    months = 2 if timezone.localdate().day == 1 else 1
    return _command("snapshot_skill_gaps", "--months", str(months))


@task(backend="database")
def prune_task_results() -> str:
    # Forwarding alone leaves some 17,000 finished runs a day in the queue table: a week of
    # them is kept for looking into a failure, failed ones as long as the others.
    return _command("prune_db_task_results", "--backend", "database", "--min-age-days", "7")


@task(backend="database")
def assignments_sync() -> str:
    # Joiners and leavers of group audiences, the next cycle of expired recertifications, and
    # the assignment statements not yet stored.
    return _command("sync_assignments")


@task(backend="database")
def reminders_send() -> str:
    # Due-soon and overdue reminders, and on the configured weekday the line managers' digest;
    # each email is claimed before it is sent, so none goes twice.
    return _command("send_reminders")
