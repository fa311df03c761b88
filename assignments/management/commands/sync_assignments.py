"""The periodic job of required training: audiences brought up to date, expired cycles renewed,
waiting statements stored. Safe to run twice: a second run finds nothing to do."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from assignments.services import (
    assignment_audiences_sync,
    assignment_cycles_renew,
    assignment_statements_send,
)


class Command(BaseCommand):
    help = "Bring assignment audiences up to date, open recertification cycles, send statements."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=1000, help="Statements stored per transaction."
        )

    def handle(self, *args, batch: int, **options):
        now = timezone.now()
        people = assignment_audiences_sync(now=now)
        renewed = assignment_cycles_renew(now=now)
        sent = assignment_statements_send(batch=batch, now=now)
        self.stdout.write(
            f"joined {people['joined']}, left {people['left']}, cycles opened {renewed}, "
            f"statements: assigned {sent['assigned']}, missed due date {sent['missed']}"
        )
