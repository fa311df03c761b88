"""Keep the skill-gap reports computed: refresh_reports [--every SECONDS]."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connection

from analytics import selectors
from analytics.refresh import refresh_reports

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Recompute the organisation's skill-gap report, every department's and the crosswalk "
        "views, so that no reader waits for one. Once by default; with --every SECONDS it "
        "keeps going, recomputing whenever the evidence has changed (SIGTERM or Ctrl+C stop "
        "it between passes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            help="Check for changed evidence this often, in seconds (60 suits most sites).",
        )

    def handle(self, *args, every, **options):
        if every is not None and every <= 0:
            raise CommandError("--every must be a positive number of seconds.")
        stop = threading.Event()
        if every is not None:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        last = None
        while True:
            last = self._pass(last)
            if every is None or stop.wait(every):
                break

    def _pass(self, last: str | None) -> str | None:
        if not connection.in_atomic_block:
            close_old_connections()
        try:
            if last is not None and selectors.projection_version() == last:
                return last
            done = refresh_reports()
        except DatabaseError:
            # A database that is briefly away must not end the worker; the next pass retries.
            logger.exception("Refreshing the skill-gap reports stopped on a database error")
            return last
        if done is None:
            self.stdout.write("No competency framework is published yet: nothing to compute.")
            return None
        self.stdout.write(
            f"Computed {done.reports} reports for evidence version {done.version} "
            f"in {done.seconds:.1f} s."
        )
        return done.version
