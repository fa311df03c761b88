"""Tasks the worker tests schedule: each run appends a line to $JOBS_TEST_RECORD, so the tests
can count runs from outside the worker processes."""

import os
import time

from django_tasks import task


def _record(line: str) -> None:
    with open(os.environ["JOBS_TEST_RECORD"], "a") as record:
        record.write(line + "\n")


@task(backend="database", takes_context=True)
def tick(context) -> None:
    _record(f"tick {context.task_result.id}")


@task(backend="database", takes_context=True)
def later(context) -> None:
    _record(f"later {context.task_result.id}")


@task(backend="database")
def broken() -> None:
    raise RuntimeError("the broken job fails on purpose")


@task(backend="database", takes_context=True)
def slow(context) -> None:
    _record(f"slow started {context.task_result.id}")
    time.sleep(120)
    _record(f"slow finished {context.task_result.id}")
