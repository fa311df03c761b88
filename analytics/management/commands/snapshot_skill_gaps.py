"""Record this month's skill-gap figures for the trend (run_worker does so nightly)."""

from django.core.management.base import BaseCommand, CommandError

from analytics.reports.trends import snapshot_months


class Command(BaseCommand):
    help = "Record the department x competency figures of the current month (and earlier ones)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=1,
            help="How many months to record, the current one included; 2 also records last "
            "month as it stood at its end (each from the evidence dated up to then).",
        )

    def handle(self, *args, months, **options):
        if months < 1:
            raise CommandError("--months must be at least 1.")
        written = snapshot_months(months)
        self.stdout.write(f"Recorded {written} snapshot rows for {months} month(s).")
