"""What every report page shares: recommended courses, export links, download responses."""

from functools import lru_cache

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, gettext_lazy

from accounts.adapter import on_site
from analytics.exports import report_files
from analytics.reports.assembly import (
    FrameworkLabels,
    Report,
    inputs_in_language,
    report_in_language,
)
from analytics.reports.selectors import courses_for_report, framework_labels
from competencies.selectors import level_names, primary_framework

EXPORT_LABELS = [
    ("csv", gettext_lazy("Data (CSV)")),
    ("xlsx", gettext_lazy("Spreadsheet with summary and method (XLSX)")),
    ("pdf", gettext_lazy("Report pack (PDF)")),
]


def in_reader_language(report: Report) -> tuple[Report, FrameworkLabels]:
    """The report with the framework's words in the reader's language, and those words (to
    give the report inputs the same): one query, however many competencies there are."""
    labels = framework_labels(report.framework["pk"])
    return report_in_language(report, labels), labels


def inputs_in(inputs: dict, labels: FrameworkLabels) -> dict:
    return inputs_in_language(inputs, labels)


def recommendations(report: Report, request: HttpRequest) -> list[report_files.Recommendation]:
    """Live courses that build the competencies of the report's worst (shown) gaps, linked."""
    return [
        report_files.Recommendation(
            title=found.course.title,
            # Exports travel: their links name SITE_URL, never the Host the request gave.
            url=on_site(found.course.get_url(request=request) or "/"),
            targets=found.targets,
        )
        for found in courses_for_report(report)
    ]


def download(
    report: Report, extension: str, *, scope_name: str, request: HttpRequest
) -> HttpResponse:
    if extension not in report_files.FORMATS:
        raise Http404("No such export format.")
    body = report_files.report_file(
        report,
        extension,
        scope_name=scope_name,
        recommendations=recommendations(report, request) if extension != "csv" else (),
    )
    response = HttpResponse(body, content_type=report_files.CONTENT_TYPES[extension])
    response["Content-Disposition"] = (
        f'attachment; filename="{report_files.filename(report, extension)}"'
    )
    return response


def competency_row(inputs: dict, code: str) -> dict:
    """The competency's code, title and area from the report inputs, or 404."""
    competencies = inputs["competencies"]
    found = competencies[competencies["competency"] == code]
    if found.empty:
        raise Http404("No such competency.")
    return found.iloc[0].to_dict()


def framework_level_names() -> dict[int, str]:
    framework = primary_framework()
    return level_names(framework) if framework else {}


def report_url(name: str, *args: str) -> str:
    """reverse(), remembered: a report page links each of its several hundred cells, and
    reversing them one by one cost a third of the page's time. The same name and codes always
    give the same path under one script prefix and in one language (/fr/...), so both are part
    of the key."""
    return _reverse(get_script_prefix(), get_language(), name, args)


@lru_cache(maxsize=16384)
def _reverse(prefix: str, language: str | None, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, args=args)
