"""Number formats for the report pages, one rule for how a figure is written everywhere, and
the report grids' cells."""

from html import escape

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from analytics.charts import HIDDEN, NO_DATA, SHOWN

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A whole percentage ("71%"); empty when there is no figure."""
    return "" if value is None else f"{value:.0f}%"


@register.filter
def decimal(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{int(places)}f}"


@register.filter
def level_text(level: int | None, names: dict | None = None) -> str:
    """A level with its name ("2 Working"); "Not known" when there is none, never 0."""
    if level is None:
        return "Not known"
    name = (names or {}).get(level, "")
    return f"{level} {name}".strip()


# The report grids print one of these per department (or job role) and competency: several
# hundred on a page, where an {% include %} per cell cost more than the rest of the page put
# together, and format_html per cell still a fifth of it. So cells are written with plain
# string formatting: every value in them is a number, one of the fixed words below, or a link
# escaped here.
DASH = "\u2013"
EVIDENCE_LINK = (
    '<a class="govuk-link" href="{url}">{share}<span class="govuk-visually-hidden"> meeting '
    "target: see the evidence</span></a>"
)
SHOWN_CELL = (
    '{share} ({band})<br><span class="govuk-body-s">{meeting} of {known} known; '
    "{unknown} unknown</span>"
)
HIDDEN_CELL = '<strong>Hidden</strong><br><span class="govuk-body-s">small group</span>'
NO_DATA_LINK = '<a class="govuk-link" href="{url}">No known levels</a>'
NO_DATA_CELL = '{words}<br><span class="govuk-body-s">{people} people, all unknown</span>'
NOT_NEEDED_CELL = (
    f'<span aria-hidden="true">{DASH}</span><span class="govuk-visually-hidden">Not needed</span>'
)


def _cell_html(cell) -> str:
    figures = cell.figures
    if cell.state == SHOWN:
        share = percent(figures.pct_meeting)
        if cell.url:
            share = EVIDENCE_LINK.format(url=escape(cell.url), share=share)
        return SHOWN_CELL.format(
            share=share,
            band=cell.band,
            meeting=figures.meeting,
            known=figures.known,
            unknown=figures.unknown,
        )
    if cell.state == HIDDEN:
        return HIDDEN_CELL
    if cell.state == NO_DATA:
        words = NO_DATA_LINK.format(url=escape(cell.url)) if cell.url else "No known levels"
        return NO_DATA_CELL.format(words=words, people=figures.people)
    return NOT_NEEDED_CELL


@register.simple_tag
def gap_cell(cell) -> str:
    """A grid cell's contents: the % meeting target with its band and counts, linked to the
    evidence; "Hidden" for a group too small to show; "No known levels"; or a dash."""
    return mark_safe(_cell_html(cell))  # noqa: S308 (numbers, fixed words and escaped links)


@register.simple_tag
def gap_row_cells(row) -> str:
    """Every cell of a grid row, then its total, each in its own table cell."""
    return mark_safe(  # noqa: S308 (numbers, fixed words and escaped links)
        "".join(
            f'<td class="govuk-table__cell">{_cell_html(cell)}</td>'
            for cell in [*row.cells, row.total]
        )
    )


@register.simple_tag
def pack_row_cells(row) -> str:
    """A grid row's cells and total for the printed report pack: shorter words, no links."""
    return format_html_join("", "<td>{}</td>", ((pack_cell(c),) for c in [*row.cells, row.total]))


def pack_cell(cell) -> str:
    figures = cell.figures
    if cell.state == SHOWN:
        return format_html(
            '{} ({})<br><span class="small">{}/{}, {} unknown</span>',
            percent(figures.pct_meeting),
            cell.band,
            figures.meeting,
            figures.known,
            figures.unknown,
        )
    if cell.state == HIDDEN:
        return "Hidden"
    if cell.state == NO_DATA:
        return "No known levels"
    return DASH
