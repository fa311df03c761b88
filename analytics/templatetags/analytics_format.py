"""Number formats for the report pages: one rule for how a figure is written everywhere."""

from django import template
from django.utils.html import format_html, format_html_join

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
# hundred on a page. Built in Python rather than with an {% include %} per cell, which cost
# more than everything else on the page put together.
DASH = "\u2013"


@register.simple_tag
def gap_cell(cell) -> str:
    """A grid cell's contents: the % meeting target with its band and counts, linked to the
    evidence; "Hidden" for a group too small to show; "No known levels"; or a dash."""
    figures = cell.figures
    if cell.state == SHOWN:
        share = percent(figures.pct_meeting)
        if cell.url:
            share = format_html(
                '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> meeting '
                "target: see the evidence</span></a>",
                cell.url,
                share,
            )
        return format_html(
            '{} ({})<br><span class="govuk-body-s">{} of {} known; {} unknown</span>',
            share,
            cell.band,
            figures.meeting,
            figures.known,
            figures.unknown,
        )
    if cell.state == HIDDEN:
        return format_html(
            '<strong>{}</strong><br><span class="govuk-body-s">{}</span>', "Hidden", "small group"
        )
    if cell.state == NO_DATA:
        words = "No known levels"
        if cell.url:
            words = format_html('<a class="govuk-link" href="{}">{}</a>', cell.url, words)
        return format_html(
            '{}<br><span class="govuk-body-s">{} people, all unknown</span>', words, figures.people
        )
    return format_html(
        '<span aria-hidden="true">{}</span><span class="govuk-visually-hidden">{}</span>',
        DASH,
        "Not needed",
    )


@register.simple_tag
def gap_row_cells(row) -> str:
    """Every cell of a grid row, then its total, each in its own table cell."""
    return format_html_join(
        "",
        '<td class="govuk-table__cell">{}</td>',
        ((gap_cell(c),) for c in [*row.cells, row.total]),
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
