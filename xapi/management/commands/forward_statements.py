"""Send what the outbox holds once: forward_statements [--endpoint NAME] (run_worker repeats it)."""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connection

from xapi.forwarding import outbox_deliver
from xapi.models import ForwardingEndpoint

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Send queued statements to the enabled forwarding endpoints once, then exit. The "
        "background worker (manage.py run_worker) runs this every few seconds; several may run "
        "at once."
    )

    def add_arguments(self, parser):
        # Scripts written when the command looped by default still pass --once.
        parser.add_argument("--once", action="store_true", help="The default; kept for scripts.")
        parser.add_argument("--endpoint", help="Only this endpoint (by name).")

    def handle(self, *args, endpoint, **options):
        if endpoint and not ForwardingEndpoint.objects.filter(name=endpoint).exists():
            raise CommandError(f"No forwarding endpoint is named {endpoint!r}.")
        self._pass(endpoint)

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
                # A database that is briefly away must not stop the other endpoints; the next
                # pass finds the entries where they were.
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
