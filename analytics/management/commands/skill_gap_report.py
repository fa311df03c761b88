"""manage.py skill_gap_report --out FILE.{csv,xlsx,pdf} [--department CODE]: the report pack."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analytics.exports import report_files
from analytics.protection import differencing
from analytics.reports import store_frames
from analytics.reports.assembly import report_in_language, skill_gap_report
from analytics.reports.selectors import courses_for_report, department_name, framework_labels


class Command(BaseCommand):
    help = (
        "Write the skill-gap report as CSV, XLSX or PDF (chosen by the file's extension), for "
        "the whole organisation or one department. Small groups are hidden as on the pages."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, help="FILE.csv, FILE.xlsx or FILE.pdf")
        parser.add_argument("--department", help="a department code, e.g. CRS")

    def handle(self, *args, out: str, department: str | None = None, **options) -> None:
        path = Path(out)
        extension = path.suffix.lower().lstrip(".")
        if extension not in report_files.FORMATS:
            raise CommandError(
                f"Cannot tell the format of {out!r}: the file name must end in "
                + ", ".join(f".{f}" for f in report_files.FORMATS)
                + "."
            )
        inputs = store_frames.report_inputs()
        organisation = skill_gap_report()
        if inputs is None or organisation is None:
            raise CommandError("No competency framework has been published yet.")
        scope_name = "All departments"
        report = organisation
        if department is not None:
            scope_name = department_name(department)
            if scope_name is None:
                known = ", ".join(sorted(store_frames.departments())) or "none"
                raise CommandError(f"No department with code {department!r}. Known: {known}.")
            report = differencing.department_report_protected(
                skill_gap_report(department=department), organisation
            )
        # The framework's words as the command's language has them (its own where none).
        report = report_in_language(report, framework_labels(report.framework["pk"]))
        body = report_files.report_file(
            report, extension, scope_name=scope_name, recommendations=_courses(report)
        )
        try:
            path.write_bytes(body)
        except OSError as error:
            raise CommandError(f"Cannot write {out!r}: {error.strerror}.") from error
        self.stdout.write(f"Wrote {scope_name} ({report.people} people) to {path}.")


def _courses(report) -> list[report_files.Recommendation]:
    return [
        report_files.Recommendation(found.course.title, found.course.full_url or "", found.targets)
        for found in courses_for_report(report)
    ]
