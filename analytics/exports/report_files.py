"""The report pack as files: CSV (the grid, long format), XLSX (summary, data, method) and
PDF (summary, top gaps, recommendations, then the heatmap and the table in parts that fit the
page, and the method). A Report in, bytes out.

Exports are built from the suppressed frames only: a hidden group's row keeps its labels and
says `suppressed`, with every figure blank.
"""

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext, pgettext

from analytics.exports import pack_layout
from analytics.exports.compliance_pack import pack_compliance
from analytics.protection.suppression import GROUP_METRICS
from analytics.reports import dashboard
from analytics.reports.assembly import Report
from analytics.reports.wording import in_english, is_rtl

# A group summary's figures, and how many of its people's evidence is stale.
METRICS = [*GROUP_METRICS, "stale"]
# Decimal places per metric; counts are whole numbers.
DECIMALS = {"pct_unknown": 1, "pct_meeting": 1, "mean_gap": 2, "priority": 2}
FORMATS = ("csv", "xlsx", "pdf")
# Spreadsheet programs run a CSV cell starting with one of these as a formula. Names come from
# administrators and imported frameworks, so a name must reach the reader as the text it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class Recommendation:
    title: str
    url: str
    targets: list[tuple[str, int]]  # (competency code, level the course builds it to)


def header(report: Report) -> list[str]:
    if report.rows_label == "department":
        labels = ["department", "department_name"]
    else:
        labels = ["department", "job_role", "job_role_name"]
    return [*labels, "competency", "competency_title", "area", *METRICS, "suppressed"]


def _column_heading(column: str) -> str:
    """A data column's heading in the reader's language; English keeps the column's name."""
    headings = {
        "department": pgettext("data column", "department"),
        "department_name": pgettext("data column", "department_name"),
        "job_role": pgettext("data column", "job_role"),
        "job_role_name": pgettext("data column", "job_role_name"),
        "competency": pgettext("data column", "competency"),
        "competency_title": pgettext("data column", "competency_title"),
        "area": pgettext("data column", "area"),
        "people": pgettext("data column", "people"),
        "known": pgettext("data column", "known"),
        "unknown": pgettext("data column", "unknown"),
        "pct_unknown": pgettext("data column", "pct_unknown"),
        "meeting": pgettext("data column", "meeting"),
        "pct_meeting": pgettext("data column", "pct_meeting"),
        "below": pgettext("data column", "below"),
        "mean_gap": pgettext("data column", "mean_gap"),
        "priority": pgettext("data column", "priority"),
        "stale": pgettext("data column", "stale"),
        "suppressed": pgettext("data column", "suppressed"),
    }
    return headings.get(column, column)


def translated_header(report: Report) -> list[str]:
    """The data's column headings as the reader reads them: `header` in English, the
    catalogue's headings in another language (codes and figures below them are unchanged)."""
    return [_column_heading(column) for column in header(report)]


def _yes_no(suppressed: bool) -> str:
    # Translators: the "suppressed" column of a data export: the group is hidden (yes) or not.
    return pgettext("suppressed", "yes") if suppressed else pgettext("suppressed", "no")


def _value(metric: str, value) -> float | int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if metric in DECIMALS:
        return round(float(value), DECIMALS[metric])
    return round(float(value))


def data_rows(report: Report) -> list[list]:
    """One row per group of the grid, in name then framework order; figures rounded, and
    None for every figure of a hidden group."""
    label = report.rows_label
    competencies = report.competencies.sort_values(["order", "competency"])
    position = {code: index for index, code in enumerate(competencies["competency"])}
    titles = dict(zip(competencies["competency"], competencies["title"], strict=True))
    areas = dict(zip(competencies["competency"], competencies["area"], strict=True))
    names = list(report.names)
    rows = []
    grid = report.grid.copy()
    grid["_row"] = grid[label].map(lambda c: names.index(c) if c in names else len(names))
    grid["_col"] = grid["competency"].map(lambda c: position.get(c, len(position)))
    for _, row in grid.sort_values(["_row", "_col", label, "competency"]).iterrows():
        suppressed = bool(row["suppressed"])
        labels = [row[label], report.names.get(row[label], row[label])]
        if label != "department":
            labels = [report.scope, *labels]
        figures = [None if suppressed else _value(m, row.get(m)) for m in METRICS]
        code = row["competency"]
        rows.append(
            [
                *labels,
                code,
                titles.get(code, ""),
                areas.get(code, ""),
                *figures,
                _yes_no(suppressed),
            ]
        )
    return rows


def report_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(translated_header(report))
    decimals = {index: DECIMALS.get(name) for index, name in enumerate(header(report))}
    for row in data_rows(report):
        writer.writerow([_csv_cell(v, decimals[i]) for i, v in enumerate(row)])
    # A byte-order mark so spreadsheet programs read the names as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value, decimals: int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # A leading apostrophe is how spreadsheets mark a cell as text, and shows that it is.
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return f"{value:.{decimals}f}" if decimals else str(value)


def _generated(report: Report) -> str:
    return datetime.fromtimestamp(report.computed_at, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def report_xlsx(
    report: Report, *, scope_name: str, recommendations: Sequence[Recommendation] = ()
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    summary = book.active
    summary.title = gettext("Summary")
    coverage = dashboard.coverage_of(report)
    lines = [
        (gettext("Skill-gap report"), scope_name),
        (gettext("Framework"), report.framework.get("name", "")),
        (gettext("Figures computed"), _generated(report)),
        (gettext("People in the groups shown"), coverage.people_in_scope),
        (gettext("People with any evidence"), coverage.people_with_evidence),
        (gettext("Targets in the groups shown"), coverage.targets),
        (gettext("Targets not yet assessed"), coverage.unknown),
        # xgettext:no-python-format
        (gettext("% of targets not yet assessed"), _value("pct_unknown", coverage.pct_unknown)),
        (gettext("Targets resting on stale evidence"), coverage.stale),
        (
            # xgettext:no-python-format
            gettext("% of targets resting on stale evidence"),
            _value("pct_unknown", coverage.pct_stale),
        ),
        (gettext("Hidden cells (small groups)"), coverage.suppressed_cells),
        (gettext("Smallest group shown"), report.smallest_shown),
    ]
    lines += [
        (
            # Translators: a summary line of the spreadsheet, e.g. "Levels from self-assessment".
            gettext("Levels from %(source)s") % {"source": dashboard.source_label(source)},
            count,
        )
        for source, count in coverage.sources
    ]
    for name, value in lines:
        summary.append([name, value])
        summary.cell(summary.max_row, 1).font = bold
    summary.append([])
    summary.append([gettext("Top gaps")])
    summary.cell(summary.max_row, 1).font = bold
    summary.append(
        [
            gettext("Rank"),
            gettext("Competency"),
            gettext("Title"),
            gettext("Priority"),
            gettext("Mean gap"),
            # xgettext:no-python-format
            gettext("% meeting their target"),
            # xgettext:no-python-format
            gettext("% not yet assessed"),
            gettext("People below"),
        ]
    )
    for gap in dashboard.top_gaps_of(report):
        f = gap.figures
        summary.append(
            [
                gap.rank,
                gap.code,
                gap.title,
                _value("priority", f.priority),
                _value("mean_gap", f.mean_gap),
                _value("pct_meeting", f.pct_meeting),
                _value("pct_unknown", f.pct_unknown),
                f.below,
            ]
        )
    if recommendations:
        summary.append([])
        summary.append([gettext("Recommended courses")])
        summary.cell(summary.max_row, 1).font = bold
        for course in recommendations:
            builds = ", ".join(
                # Translators: a course builds a competency to a level, e.g. "DA.1 to 3".
                gettext("%(code)s to %(level)s") % {"code": code, "level": level}
                for code, level in course.targets
            )
            summary.append([course.title, builds, course.url])
    summary.column_dimensions["A"].width = 40
    summary.column_dimensions["C"].width = 40

    data = book.create_sheet(gettext("Data"))
    data.append(translated_header(report))
    for cell in data[1]:
        cell.font = bold
    for row in data_rows(report):
        data.append(row)
    data.freeze_panes = "A2"

    method = book.create_sheet(gettext("Method"))
    method.append([gettext("How the figures are made")])
    method.cell(1, 1).font = bold
    for note in dashboard.method_notes(report.threshold, settings.ANALYTICS_STALE_AFTER_DAYS):
        method.append([note])
    method.column_dimensions["A"].width = 120
    if is_rtl():
        for sheet in book.worksheets:
            sheet.sheet_view.rightToLeft = True

    _as_text(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _as_text(book) -> None:
    """openpyxl stores a string starting with "=" as a formula; every value here is data."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def pack_html(
    report: Report, *, scope_name: str, recommendations: Sequence[Recommendation] = ()
) -> str:
    """The report pack as HTML, in the active language (right to left where it reads so)."""
    # Drawn in page-sized parts below, never whole: a whole grid runs off the page.
    grid = dashboard.grid_of(report, with_svg=False)
    return render_to_string(
        "analytics/report_pack.html",
        {
            "report": report,
            "scope_name": scope_name,
            "generated": _generated(report),
            "grid": grid,
            "heatmap_parts": pack_layout.heatmap_parts(grid, label=report.rows_label),
            "table_parts": pack_layout.table_parts(grid, label=report.rows_label),
            "table_row_header_mm": pack_layout.TABLE_ROW_HEADER_MM,
            "top_gaps": dashboard.top_gaps_of(report),
            "coverage": dashboard.coverage_of(report),
            "recommendations": recommendations,
            "method": dashboard.method_notes(report.threshold, settings.ANALYTICS_STALE_AFTER_DAYS),
            "service_name": settings.SERVICE_NAME,
            "compliance": pack_compliance(report),
            "language_code": get_language() or settings.LANGUAGE_CODE,
            "rtl": is_rtl(),
            "english": in_english(),
        },
    )


def report_pdf(
    report: Report, *, scope_name: str, recommendations: Sequence[Recommendation] = ()
) -> bytes:
    from weasyprint import HTML  # imported here: it loads native libraries, only needed now

    html = pack_html(report, scope_name=scope_name, recommendations=recommendations)
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()


def report_file(
    report: Report,
    extension: str,
    *,
    scope_name: str,
    recommendations: Sequence[Recommendation] = (),
) -> bytes:
    if extension == "csv":
        return report_csv(report)
    if extension == "xlsx":
        return report_xlsx(report, scope_name=scope_name, recommendations=recommendations)
    if extension == "pdf":
        return report_pdf(report, scope_name=scope_name, recommendations=recommendations)
    raise ValueError(f"Unknown export format {extension!r}: use one of {', '.join(FORMATS)}.")


def filename(report: Report, extension: str) -> str:
    scope = report.scope.lower() if report.scope else "organisation"
    return f"skill-gaps-{scope}.{extension}"
