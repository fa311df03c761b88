"""Rebuild the reporting store from the whole statement stream."""

import time

from django.core.management.base import BaseCommand

from analytics.projection.store import rebuild


class Command(BaseCommand):
    help = (
        "Replay every stored statement into a new evidence projection "
        "(-v 2 prints each stage's time)."
    )

    def handle(self, *args, **options):
        def report(stage: str, seconds: float) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(f"  {stage}: {seconds:.1f} s")

        started = time.monotonic()
        written = rebuild(report=report)
        self.stdout.write(f"Rebuilt {written} evidence rows in {time.monotonic() - started:.1f} s.")
