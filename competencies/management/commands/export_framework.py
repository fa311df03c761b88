"""Export a framework as CSV (UK layout) or CASE JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from competencies.exchange.files import FORMATS, framework_export
from competencies.models import Framework


class Command(BaseCommand):
    help = "Export a competency framework as CSV in the UK layout or as a 1EdTech CASE package."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the framework's version here, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The framework's slug, e.g. pcdcf.")
        parser.add_argument(
            "--version",
            dest="framework_version",
            help="Which version (default: the most recently changed one).",
        )
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--out", default="-", help="The file to write; - for the output.")

    def handle(self, *args, slug, format, out, framework_version=None, **options):
        frameworks = Framework.objects.filter(slug=slug)
        if framework_version:
            frameworks = frameworks.filter(version=framework_version)
        framework = frameworks.order_by("-updated_at", "-pk").first()
        if framework is None:
            values = {"slug": repr(slug), "version": framework_version}
            raise CommandError(
                (
                    gettext("No framework %(slug)s version %(version)s is held here.")
                    if framework_version
                    else gettext("No framework %(slug)s is held here.")
                )
                % values
            )
        export = framework_export(framework, file_format=format)
        if out == "-":
            self.stdout.write(export.text, ending="")
            return
        Path(out).write_bytes(export.body)
        self.stderr.write(
            gettext("Wrote %(framework)s to %(file)s.") % {"framework": framework, "file": out}
        )
