"""Import a framework from a CSV (UK layout) or CASE JSON file; the file is refused whole if
anything in it is wrong."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from competencies.exchange.case_tree import AREA, COMPETENCY
from competencies.exchange.errors import ImportRefused
from competencies.exchange.files import FORMATS, format_for, framework_import


class Command(BaseCommand):
    help = (
        "Import a competency framework from a CSV file in the UK layout or a 1EdTech CASE JSON "
        "package. Every problem is listed and nothing is imported when there is one."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the framework's version here, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or CASE JSON file.")
        parser.add_argument(
            "--format", choices=sorted(FORMATS), help="csv or case (default: from the extension)."
        )
        parser.add_argument("--name", help="The framework's name (overrides the file's).")
        parser.add_argument(
            "--version", dest="framework_version", help="The version to import it as."
        )
        parser.add_argument(
            "--draft", action="store_true", help="Import it as a draft, whatever the file says."
        )
        parser.add_argument(
            "--item-type",
            action="append",
            default=[],
            metavar="TYPE=KIND",
            help="CASE only: import items of this CFItemType as an area or a competency (e.g. "
            "Cluster=area); repeat for more types. Other types follow their place in the tree.",
        )

    def handle(
        self, *args, file, format=None, name=None, framework_version=None, draft=False, **options
    ):
        kinds = {}
        for choice in options.get("item_type") or []:
            label, _, kind = choice.rpartition("=")
            if kind not in (AREA, COMPETENCY):
                raise CommandError(
                    gettext("--item-type %(choice)s: say TYPE=area or TYPE=competency.")
                    % {"choice": choice}
                )
            kinds[label] = kind
        path = Path(file)
        if not path.is_file():
            raise CommandError(gettext("%(file)s: no such file.") % {"file": file})
        file_format = format or format_for(path.name)
        if file_format is None:
            raise CommandError(
                gettext("%(file)s: say --format csv or --format case.") % {"file": file}
            )
        try:
            imported = framework_import(
                path.read_bytes(),
                file_format=file_format,
                name=name,
                version=framework_version,
                draft=draft,
                kinds=kinds,
            )
        except ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(f"{path.name}: {error}")
            count = len(refused.errors)
            raise CommandError(
                ngettext(
                    "%(file)s was refused (%(count)s problem(s)); nothing was imported.",
                    "%(file)s was refused (%(count)s problem(s)); nothing was imported.",
                    count,
                )
                % {"file": path.name, "count": count}
            ) from None
        self.stdout.write(self.style.SUCCESS(imported.summary()))
        for note in imported.notes:
            self.stdout.write(gettext("Note: %(note)s") % {"note": note})
