"""Rebuild the reporting store from the whole statement stream."""

import time

from django.core.management.base import BaseCommand

from analytics.projection import rebuild


class Command(BaseCommand):
    help = "Empty the evidence projection and replay every stored statement into it."

    def handle(self, *args, **options):
        started = time.monotonic()
        written = rebuild()
        self.stdout.write(f"Rebuilt {written} evidence rows in {time.monotonic() - started:.1f} s.")
