"""Print the worker tables of the database in DATABASE_URL as JSON (the process tests read the
workers' database through this, not through their own connection)."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.jobs.settings_worker")
django.setup()

from django_tasks_db.models import DBTaskResult  # noqa: E402

from jobs.models import JobSchedule  # noqa: E402

print(
    json.dumps(
        {
            "runs": [
                {
                    "id": str(row.id),
                    "task": row.task_path.rsplit(".", 1)[1],
                    "status": row.status,
                    "worker_ids": row.worker_ids,
                    "run_after": row.run_after.isoformat(),
                    "started_at": row.started_at and row.started_at.isoformat(),
                    "finished_at": row.finished_at and row.finished_at.isoformat(),
                    "exception": row.exception_class_path,
                }
                for row in DBTaskResult.objects.order_by("run_after", "enqueued_at")
            ],
            "schedules": {
                row.name: row.next_run_at.isoformat() for row in JobSchedule.objects.all()
            },
        }
    )
)
