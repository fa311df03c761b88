from django.db import models


class JobSchedule(models.Model):
    """When a periodic job is next due. Workers claim a run by moving `next_run_at` on with an
    UPDATE conditional on the value they read, so of several copies exactly one wins each run."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M:%S})"
