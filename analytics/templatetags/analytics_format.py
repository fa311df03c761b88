"""Number formats for the report pages, one rule for how a figure is written everywhere, and
the report grids' cells."""

from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from analytics.reports.charts import BANDS, HIDDEN, NO_DATA, SHOWN
from courses.figures import share_of as _share_of
from courses.figures import share_text

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A whole percentage ("71%"), never rounded to "0%" or "100%" when it is not exactly that
    ("fewer than 1%", "more than 99%"); empty when there is no figure."""
    return share_text(value)


@register.filter
def share_of(part: int | None, whole: int | None) -> str:
    """`part` of `whole` as a percentage with the counts: "fewer than 1% (1 of 376)"."""
    return _share_of(part, whole)


@register.filter
def decimal(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{int(places)}f}"


@register.filter
def level_text(level: int | None, names: dict | None = None) -> str:
    """A level with its name ("2 Working"); "Not yet assessed" when there is none, never 0."""
    if level is None:
        return "Not yet assessed"
    name = (names or {}).get(level, "")
    return f"{level} {name}".strip()


# The report grids print one of these per department (or job role) and competency: several
# hundred on a page, where an {% include %} per cell cost more than the rest of the page put
# together, and format_html per cell still a fifth of it. So cells are written with plain
# string formatting: every value in them is a number, one of the fixed words below, or a link
# escaped here.
DASH = "\u2013"
EVIDENCE_LINK = (
    '<a class="govuk-link" href="{url}">{share}<span class="govuk-visually-hidden"> meet their '
    "target: see the evidence</span></a>"
)
# The words of the grid's cells, shared by the pages, the report pack and the heatmap's key.
MEETING_LINE = "{meeting} of {known} assessed meet their target"
UNASSESSED_LINE = "{unknown} not yet assessed"
NOBODY_ASSESSED = "No one assessed yet"
SHOWN_CELL = "{share}<br>" + MEETING_LINE + "{unassessed}"
HIDDEN_CELL = "<strong>Hidden</strong><br>small group"
NO_DATA_LINK = '<a class="govuk-link" href="{url}">' + NOBODY_ASSESSED + "</a>"
NO_DATA_CELL = "{words}<br>" + UNASSESSED_LINE
NOT_NEEDED_CELL = (
    f'<span aria-hidden="true">{DASH}</span><span class="govuk-visually-hidden">Not needed</span>'
)


def share_words(value: float | None) -> str:
    """A share as the first words of a cell or a line: "Fewer than 1%", "71%"."""
    text = share_text(value)
    return text[:1].upper() + text[1:]


def _cell_html(cell) -> str:
    figures = cell.figures
    if cell.state == SHOWN:
        share = share_words(figures.pct_meeting)
        if cell.url:
            share = EVIDENCE_LINK.format(url=escape(cell.url), share=share)
        unassessed = ""
        if figures.unknown:
            unassessed = "<br>" + UNASSESSED_LINE.format(unknown=figures.unknown)
        return SHOWN_CELL.format(
            share=share, meeting=figures.meeting, known=figures.known, unassessed=unassessed
        )
    if cell.state == HIDDEN:
        return HIDDEN_CELL
    if cell.state == NO_DATA:
        words = NO_DATA_LINK.format(url=escape(cell.url)) if cell.url else NOBODY_ASSESSED
        return NO_DATA_CELL.format(words=words, unknown=figures.people)
    return NOT_NEEDED_CELL


@register.simple_tag
def heatmap_key() -> str:
    """The heatmap's bands of colour in words, lowest share first, for a key written out."""
    return "; ".join(words for _, words in reversed(BANDS))


@register.simple_tag
def gap_cell(cell) -> str:
    """A grid cell's contents: the share of people assessed who meet their target, linked to the
    evidence, with the counts; "Hidden" for a group too small to show; "No one assessed yet";
    or a dash."""
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


def pack_cell(cell) -> str:
    figures = cell.figures
    if cell.state == SHOWN:
        lines = [MEETING_LINE.format(meeting=figures.meeting, known=figures.known)]
        if figures.unknown:
            lines.append(UNASSESSED_LINE.format(unknown=figures.unknown))
        share = share_words(figures.pct_meeting)
        return format_html('{}<br><span class="small">{}</span>', share, "; ".join(lines))
    if cell.state == HIDDEN:
        return "Hidden"
    if cell.state == NO_DATA:
        return NOBODY_ASSESSED
    return DASH
