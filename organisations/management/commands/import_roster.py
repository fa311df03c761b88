"""Import the HR roster: print the change, then apply it whole, or refuse the file whole."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.roster.plan import RosterRefused
from organisations.roster.report import roster_diff, roster_summary
from organisations.roster.services import roster_import


class Command(BaseCommand):
    help = (
        "Import the HR roster (CSV): departments, job roles, people, line managers, lead scopes "
        "and leavers. Prints the change first; a file with any bad row is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The roster CSV file (columns: see the README).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the change and write nothing."
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Close the accounts of people the roster placed before who are not in this file.",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=0,
            help="Print at most this many changed lines (0, the default: all).",
        )

    def handle(self, *args, file, dry_run=False, deactivate_missing=False, limit=0, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            plan = roster_import(
                content=path.read_bytes(),
                file_name=path.name,
                dry_run=dry_run,
                deactivate_missing=deactivate_missing,
            )
        except RosterRefused as refused:
            for problem in refused.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(
                f"{path.name} was refused ({len(refused.problems)} problem(s)); "
                "nothing was written."
            ) from None
        for line in roster_summary(plan):
            self.stdout.write(line)
        diff = roster_diff(plan)
        for line in diff[:limit] if limit else diff:
            self.stdout.write(str(line))
        if limit and len(diff) > limit:
            self.stdout.write(f"... and {len(diff) - limit} more.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        elif plan.writes_anything:
            self.stdout.write(self.style.SUCCESS("Applied."))
        else:
            self.stdout.write("Nothing to change: nothing was written.")
