"""Compute the skill-gap reports ahead of their readers: refresh_reports (run_worker repeats it)."""

from django.core.management.base import BaseCommand

from analytics.reports.refresh import refresh_reports


class Command(BaseCommand):
    help = (
        "Recompute the organisation's skill-gap report, every department's and the crosswalk "
        "views, so that no reader waits for one. The background worker (manage.py run_worker) "
        "does this every few minutes whenever the evidence has changed."
    )

    def handle(self, *args, **options):
        done = refresh_reports()
        if done is None:
            self.stdout.write("No competency framework is published yet: nothing to compute.")
            return
        self.stdout.write(
            f"Computed {done.reports} reports for evidence version {done.version} "
            f"in {done.seconds:.1f} s."
        )
