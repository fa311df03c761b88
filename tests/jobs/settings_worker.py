"""Settings of the worker processes the process tests start: the test settings with test jobs.

JOBS_TEST_SET picks the jobs: "pair" (a job every second, a failing one, one due in twelve hours)
or "slow" (one run that outlasts any stop)."""

import datetime as dt
import os

from lms.settings.test import *  # noqa: F403
from lms.settings.test import LOGGING

_in_twelve_hours = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=12)).strftime("%H:%M")
TIME_ZONE = "UTC"
PERIODIC_JOBS = {
    "pair": {
        "tick": {"task": "tests.jobs.tasks.tick", "every": 1},
        "broken": {"task": "tests.jobs.tasks.broken", "every": 2},
        "later": {"task": "tests.jobs.tasks.later", "daily_at": _in_twelve_hours},
    },
    "slow": {"slow": {"task": "tests.jobs.tasks.slow", "every": 600}},
}[os.environ.get("JOBS_TEST_SET", "pair")]
# The worker's own lines (jobs enqueued, how late each run started) are what the tests read.
LOGGING["root"]["level"] = "INFO"
LOGGING["loggers"]["django_tasks"] = {"level": "INFO"}
LOGGING["loggers"]["jobs"] = {"level": "DEBUG"}
