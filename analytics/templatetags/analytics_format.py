"""Number formats for the report pages, one rule for how a figure is written everywhere, and
the report grids' cells."""

from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from analytics.reports.charts import BANDS, HIDDEN, NO_DATA, SHOWN
from analytics.reports.wording import count_text, decimal_text, share_text
from analytics.reports.wording import share_of as _share_of

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
    return decimal_text(value, places)


@register.filter
def count(value) -> str:
    """A count in the locale's separators (1 234 in French); unchanged in English."""
    return count_text(value)


@register.filter
def level_text(level: int | None, names: dict | None = None) -> str:
    """A level with its name ("2 Working"); "Not yet assessed" when there is none, never 0."""
    if level is None:
        return gettext("Not yet assessed")
    name = (names or {}).get(level, "")
    return f"{level} {name}".strip()


# The report grids print one of these per department (or job role) and competency: several
# hundred on a page, where an {% include %} per cell cost more than the rest of the page put
# together, and format_html per cell still a fifth of it. So cells are written with plain
# string formatting: every value in them is a number, one of the fixed words below, or a link
# escaped here.
DASH = "\u2013"

# The words of the grid's cells, shared by the pages, the report pack and the heatmap's key.
EVIDENCE_WORDS = gettext_lazy(" meet their target: see the evidence")
# Translators: a report cell, e.g. "7 of 10 assessed meet their target".
MEETING_LINE = gettext_lazy("%(meeting)s of %(known)s assessed meet their target")
# Translators: a report cell's second line, e.g. "3 not yet assessed".
UNASSESSED_LINE = gettext_lazy("%(unknown)s not yet assessed")
NOBODY_ASSESSED = gettext_lazy("No one assessed yet")
HIDDEN_WORD = gettext_lazy("Hidden")
# Translators: under "Hidden" in a report cell: the group is too small to show.
SMALL_GROUP = gettext_lazy("small group")
NOT_NEEDED_WORDS = gettext_lazy("Not needed")


def _words() -> dict[str, str]:
    """The cells' fixed words in the active language, looked up once per grid row."""
    return {
        "evidence": escape(str(EVIDENCE_WORDS)),
        "meeting": escape(str(MEETING_LINE)),
        "unassessed": escape(str(UNASSESSED_LINE)),
        "nobody": escape(str(NOBODY_ASSESSED)),
        "hidden": f"<strong>{escape(str(HIDDEN_WORD))}</strong><br>{escape(str(SMALL_GROUP))}",
        "not_needed": (
            f'<span aria-hidden="true">{DASH}</span>'
            f'<span class="govuk-visually-hidden">{escape(str(NOT_NEEDED_WORDS))}</span>'
        ),
    }


def share_words(value: float | None) -> str:
    """A share as the first words of a cell or a line: "Fewer than 1%", "71%"."""
    text = share_text(value)
    return text[:1].upper() + text[1:]


def _cell_html(cell, words: dict[str, str] | None = None) -> str:
    words = words or _words()
    figures = cell.figures
    if cell.state == SHOWN:
        share = escape(share_words(figures.pct_meeting))
        if cell.url:
            share = (
                f'<a class="govuk-link" href="{escape(cell.url)}">{share}'
                f'<span class="govuk-visually-hidden">{words["evidence"]}</span></a>'
            )
        unassessed = ""
        if figures.unknown:
            unassessed = "<br>" + words["unassessed"] % {"unknown": count_text(figures.unknown)}
        meeting = words["meeting"] % {
            "meeting": count_text(figures.meeting),
            "known": count_text(figures.known),
        }
        return f"{share}<br>{meeting}{unassessed}"
    if cell.state == HIDDEN:
        return words["hidden"]
    if cell.state == NO_DATA:
        nobody = words["nobody"]
        if cell.url:
            nobody = f'<a class="govuk-link" href="{escape(cell.url)}">{nobody}</a>'
        unassessed = words["unassessed"] % {"unknown": count_text(figures.people)}
        return f"{nobody}<br>{unassessed}"
    return words["not_needed"]


@register.simple_tag
def heatmap_key() -> str:
    """The heatmap's bands of colour in words, lowest share first, for a key written out."""
    return "; ".join(str(words) for _, words in reversed(BANDS))


@register.simple_tag
def gap_cell(cell) -> str:
    """A grid cell's contents: the share of people assessed who meet their target, linked to the
    evidence, with the counts; "Hidden" for a group too small to show; "No one assessed yet";
    or a dash."""
    return mark_safe(_cell_html(cell))  # noqa: S308 (numbers, fixed words and escaped links)


@register.simple_tag
def gap_row_cells(row) -> str:
    """Every cell of a grid row, then its total, each in its own table cell."""
    words = _words()
    return mark_safe(  # noqa: S308 (numbers, fixed words and escaped links)
        "".join(
            f'<td class="govuk-table__cell">{_cell_html(cell, words)}</td>'
            for cell in [*row.cells, row.total]
        )
    )


def pack_cell(cell) -> str:
    figures = cell.figures
    if cell.state == SHOWN:
        lines = [
            str(MEETING_LINE)
            % {"meeting": count_text(figures.meeting), "known": count_text(figures.known)}
        ]
        if figures.unknown:
            lines.append(str(UNASSESSED_LINE) % {"unknown": count_text(figures.unknown)})
        share = share_words(figures.pct_meeting)
        return format_html('{}<br><span class="small">{}</span>', share, "; ".join(lines))
    if cell.state == HIDDEN:
        return str(HIDDEN_WORD)
    if cell.state == NO_DATA:
        return str(NOBODY_ASSESSED)
    return DASH


@register.filter
def source_label(source: str) -> str:
    """Where a level comes from ("self-assessment"), in the reader's language."""
    from analytics.reports.dashboard import source_label as label

    return label(source)
