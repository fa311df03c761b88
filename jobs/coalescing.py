"""The task backend Wagtail's own tasks run on: at once, as django-tasks' ImmediateBackend runs
them, or once per object at the end of a bulk write.

Wagtail enqueues a search-index and a reference-index update on every save of a page or
indexed model, and adding, revising and publishing a page each save it: loading a course
would bring the same page's index entries up to date three times, and a seeded demo spent a
fifth of its time doing so. Inside `tasks_coalesced()` a task enqueued on this backend waits
until the block ends and then runs once for each distinct set of arguments. Wagtail's tasks
bring one object's entries up to date from what is stored, so running the last of them alone
gives the entries every run would have left. If the block raises, the waiting tasks are
dropped with the writes they were for.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django_tasks.backends.immediate import ImmediateBackend

_waiting: ContextVar[dict | None] = ContextVar("tasks_waiting", default=None)


class CoalescingImmediateBackend(ImmediateBackend):
    """ImmediateBackend, but inside `tasks_coalesced()` each distinct task waits for its end:
    its result is returned not yet run (status READY), as any queued task's is, and is the one
    that runs; a repeat's result stays READY (its run is the first's)."""

    # ImmediateBackend.enqueue builds the task's result, then runs it here: deferring only
    # the run leaves the result as the backend makes it.
    def _execute_task(self, task_result) -> None:
        waiting = _waiting.get()
        if waiting is None:
            super()._execute_task(task_result)
            return
        arguments = json.dumps([task_result.args, task_result.kwargs], sort_keys=True, default=str)
        waiting.setdefault((task_result.task.module_path, arguments), (self, task_result))


@contextmanager
def tasks_coalesced() -> Iterator[None]:
    """Tasks enqueued on a coalescing backend inside this block run when it ends, once for
    each distinct task and arguments, in the order first enqueued. An enclosing block runs the
    tasks of the blocks inside it."""
    if _waiting.get() is not None:
        yield
        return
    waiting: dict = {}
    token = _waiting.set(waiting)
    try:
        yield
    finally:
        _waiting.reset(token)
    for backend, task_result in waiting.values():
        backend._execute_task(task_result)
