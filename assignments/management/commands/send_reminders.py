"""Sends the reminders of assigned training owed now, and on its weekday the line managers'
digest; prints what it did. Run by the worker every hour; safe to run again at any time."""

from django.core.management.base import BaseCommand, CommandError

from assignments.reminders import BATCH_SIZE, reminders_send


class Command(BaseCommand):
    help = "Send due-soon and overdue reminders of assigned training, each at most once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"People read per batch (default {BATCH_SIZE}).",
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        self.stdout.write(str(reminders_send(batch_size=batch_size)))
