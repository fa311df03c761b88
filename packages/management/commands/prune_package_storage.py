"""Remove folders in package storage that no package owns (interrupted imports, deleted rows)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from packages.services import package_storage_prune


class Command(BaseCommand):
    help = (
        "Remove folders in package storage that no package owns: left by an import that was "
        "interrupted or rolled back, or by a package deleted outside the platform. Folders "
        "changed in the last --hours (default 24) are kept, so imports under way are safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=24.0)
        parser.add_argument("--dry-run", action="store_true", help="List, remove nothing.")

    def handle(self, *args, hours, dry_run, **options):
        removed = package_storage_prune(older_than=timedelta(hours=hours), dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        for name in removed:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(f"{verb} {len(removed)} folder(s) no package owns.")
