"""Import statements from another LRS: pull_statements ENDPOINT [--max-pages N]."""

from django.core.management.base import BaseCommand, CommandError

from xapi.credentials import UndecryptablePassword
from xapi.models import ForwardingEndpoint
from xapi.pulling import PullError, statements_pull


class Command(BaseCommand):
    help = (
        "Read statements from a forwarding endpoint's LRS and store the new ones here. "
        "Safe to run again: it resumes where the last run stopped and stores nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("endpoint", help="The name of a forwarding endpoint.")
        parser.add_argument(
            "--max-pages", type=int, default=None, help="Stop after this many pages."
        )

    def handle(self, *args, endpoint, max_pages, **options):
        source = ForwardingEndpoint.objects.filter(name=endpoint).first()
        if source is None:
            raise CommandError(f"No forwarding endpoint is named {endpoint!r}.")
        try:
            report = statements_pull(endpoint=source, max_pages=max_pages)
        except (PullError, UndecryptablePassword) as error:
            raise CommandError(f"Pulling from {source.name} stopped: {error}") from None
        for problem in report.skipped:
            self.stderr.write(f"Skipped {problem}")
        state = "up to date" if report.finished else "more to pull"
        self.stdout.write(
            f"Pulled {report.stored} new of {report.received} statements in {report.pages} "
            f"page(s) from {source.name}; {len(report.skipped)} skipped; {state}."
        )
