"""The periodic jobs as settings.PERIODIC_JOBS describes them, and when each is next due.

Pure: takes the settings dict and datetimes, returns data; no ORM.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured

# A run that started longer ago than this no longer holds back the next one: its worker is
# presumed gone (a clean stop hands an unfinished run back to the queue; a hard kill cannot).
DEFAULT_TIMEOUT = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None
    zone: dt.tzinfo = dt.UTC
    timeout: dt.timedelta = DEFAULT_TIMEOUT

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """The first due time strictly after `moment` (an aware datetime)."""
        if self.every is not None:
            return moment + self.every
        assert self.daily_at is not None  # noqa: S101 (job_from_entry sets one of the two)
        local = moment.astimezone(self.zone)
        due = dt.datetime.combine(local.date(), self.daily_at, tzinfo=self.zone)
        if due <= local:
            due = dt.datetime.combine(
                local.date() + dt.timedelta(days=1), self.daily_at, tzinfo=self.zone
            )
        return due.astimezone(dt.UTC)

    def first_due(self, now: dt.datetime) -> dt.datetime:
        """A job run every few seconds or minutes starts with the worker; a daily one waits for
        its hour."""
        return now if self.every is not None else self.next_after(now)

    @property
    def schedule(self) -> str:
        if self.every is not None:
            return f"every {self.every.total_seconds():g} s"
        assert self.daily_at is not None  # noqa: S101
        return f"daily at {self.daily_at:%H:%M} ({self.zone})"


def job_from_entry(name: str, entry: Mapping[str, Any], *, time_zone: str = "UTC") -> Job:
    """One PERIODIC_JOBS entry: {"task": dotted path, and "every": seconds or "daily_at":
    "HH:MM" (in TIME_ZONE), optionally "timeout": seconds}."""

    def refuse(problem: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"PERIODIC_JOBS[{name!r}]: {problem}")

    if not isinstance(entry, Mapping):
        raise refuse("must be a dict with 'task' and 'every' or 'daily_at'.")
    unknown = set(entry) - {"task", "every", "daily_at", "timeout"}
    if unknown:
        raise refuse(f"unknown keys {sorted(unknown)}.")
    task_path = entry.get("task")
    if not isinstance(task_path, str) or "." not in task_path:
        raise refuse("'task' must be a task's dotted path, e.g. 'lms.tasks.forward_statements'.")
    if ("every" in entry) == ("daily_at" in entry):
        raise refuse("give exactly one of 'every' (seconds) and 'daily_at' ('HH:MM').")
    every = daily_at = None
    if "every" in entry:
        seconds = entry["every"]
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            raise refuse("'every' must be a positive number of seconds.")
        every = dt.timedelta(seconds=seconds)
    else:
        try:
            daily_at = dt.time.fromisoformat(entry["daily_at"])
        except (TypeError, ValueError):
            raise refuse("'daily_at' must be a time of day such as '02:00'.") from None
    timeout = entry.get("timeout", DEFAULT_TIMEOUT.total_seconds())
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise refuse("'timeout' must be a positive number of seconds.")
    return Job(
        name=name,
        task_path=task_path,
        every=every,
        daily_at=daily_at,
        zone=ZoneInfo(time_zone),
        timeout=dt.timedelta(seconds=timeout),
    )


def jobs_from_settings(config: Mapping[str, Any], *, time_zone: str = "UTC") -> list[Job]:
    if not isinstance(config, Mapping):
        raise ImproperlyConfigured("PERIODIC_JOBS must be a dict of job name to schedule.")
    return [job_from_entry(name, entry, time_zone=time_zone) for name, entry in config.items()]
