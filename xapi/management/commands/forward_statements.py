"""The forwarding worker: forward_statements [--once] [--endpoint NAME] [--interval SECONDS]."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connection

from xapi.forwarding import outbox_deliver
from xapi.models import ForwardingEndpoint

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Send queued statements to the enabled forwarding endpoints. Runs until stopped "
        "(SIGTERM or Ctrl+C finish the batch on the wire first); --once sends what is due and "
        "exits. Several workers may run at once on PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--endpoint", help="Only this endpoint (by name).")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between passes (default 5)."
        )

    def handle(self, *args, once, endpoint, interval, **options):
        if endpoint and not ForwardingEndpoint.objects.filter(name=endpoint).exists():
            raise CommandError(f"No forwarding endpoint is named {endpoint!r}.")
        stop = threading.Event()
        if not once:
            # Stop between batches: an entry is only marked sent after its peer acknowledged
            # it, so even a hard kill loses nothing, but a clean stop avoids a re-send.
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        while True:
            self._pass(endpoint)
            if once or stop.wait(interval):
                break

    def _pass(self, name: str | None) -> None:
        # A long-running worker drops stale connections as a request would; inside a
        # transaction (a test's) the connection is in use and must stay.
        if not connection.in_atomic_block:
            close_old_connections()
        endpoints = ForwardingEndpoint.objects.filter(enabled=True)
        if name:
            endpoints = endpoints.filter(name=name)
        for endpoint in endpoints:
            try:
                report = outbox_deliver(endpoint=endpoint)
            except DatabaseError:
                # A database that is briefly away must not end the worker; the next pass
                # finds the entries where they were.
                logger.exception("Forwarding to %s stopped on a database error", endpoint.name)
                continue
            except Exception:
                # Nor may one endpoint's unexpected failure stop the others; its claimed
                # entries are sent again when their lease ends.
                logger.exception("Forwarding to %s failed unexpectedly", endpoint.name)
                continue
            if report.delivered or report.rejected or report.error:
                self.stdout.write(
                    f"{endpoint.name}: {report.delivered} sent, {report.rejected} refused "
                    f"({report.given_up} given up), {report.unsent} to retry"
                    + (f"; {report.error}" if report.error else "")
                )
