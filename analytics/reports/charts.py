"""Charts as accessible SVG text from plain data (no ORM, no request): the heatmap written out
directly, the trend line drawn with matplotlib.

Every chart carries a <title> and <desc> that name what it shows and where the same figures are
in a table: the table is the primary accessible form, the chart a quick visual summary. Colour
never carries meaning alone: each heatmap cell also prints its share and counts, a key below the
grid names each band of colour in words, and hidden cells are hatched and say "hidden".
"""

import io
import re
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django.utils.translation import gettext, gettext_lazy

from analytics.reports.wording import count_text, share_text
from courses.figures import whole_percent

SHOWN, HIDDEN, NO_DATA, NOT_NEEDED = "shown", "hidden", "no data", "not needed"

# What every heatmap, its table and its key show, in the words they all use.
SHOWS = gettext_lazy("Share of people meeting their target level")
# Bands of the share meeting target, read on the share as it is printed (79.6% prints "80%",
# so it is in the top band): the words of the key, lowest floor last.
BANDS = [
    # xgettext:no-python-format
    (80, gettext_lazy("Most meet their target (80% or more)")),
    # xgettext:no-python-format
    (50, gettext_lazy("Half or more meet their target (50% to 79%)")),
    # xgettext:no-python-format
    (0, gettext_lazy("Fewer than half meet their target (under 50%)")),
]
HIDDEN_WORDS = gettext_lazy("Hidden: a small group")
NO_DATA_WORDS = gettext_lazy("No one assessed yet")
NOT_NEEDED_WORDS = gettext_lazy("Not needed by any job role there")
# Right-to-left words in a chart drawn left to right: each text is embedded right to left
# (RLE ... PDF), so "7 من 10" keeps its order whatever the page's direction.
RTL_OPEN, RTL_CLOSE = "\u202b", "\u202c"

# cividis is designed to read the same with the common colour-vision deficiencies and in grey:
# dark blue where few meet their target, yellow where most do.
COLOUR_MAP = "cividis"
HIDDEN_FILL, NO_DATA_FILL, NOT_NEEDED_FILL = "#dddddd", "#ffffff", "#f3f2f1"
INK = "#0b0c0c"


@dataclass(frozen=True)
class HeatCell:
    state: str  # SHOWN, HIDDEN, NO_DATA (nobody's level is known) or NOT_NEEDED
    value: float | None = None  # % meeting target when SHOWN
    meeting: int | None = None  # people assessed who meet their target, when SHOWN
    known: int | None = None  # people assessed, when SHOWN


def band(value: float | None) -> str:
    """The key's words for a % meeting target ("" when there is none)."""
    if value is None:
        return ""
    printed = whole_percent(value)
    return str(next(words for floor, words in BANDS if printed >= floor))


# Heatmap layout in CSS pixels, drawn at its natural size (a page scrolls it sideways rather
# than shrink its words): the margin for row labels, one cell, the key's rows and columns.
LEFT, CELL_W, CELL_H, PAD = 88.0, 120.0, 60.0, 8.0
KEY_TOP, KEY_ROW, KEY_W, SWATCH_W, SWATCH_H = 24.0, 32.0, 480.0, 56.0, 22.0
KEY_ENTRIES = 6  # the three bands, hidden, no one assessed, not needed
CELL_PATH = f"h{CELL_W:g}v{CELL_H:g}h-{CELL_W:g}z"  # one cell, drawn from its top left
# Text sizes: a cell's share as large as the body text of a GOV.UK page, every other word
# no smaller than its small print.
NUMBER_SIZE, TEXT_SIZE, LINE = 19, 16, 20.0
# Baselines of a cell's share and its second line.
NUMBER_BASELINE, WORD_BASELINE = CELL_H / 2 - 2, CELL_H / 2 + 18
# The service's own font stack, written out because a chart saved into the PDF inherits none.
FONT = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Liberation Sans', Arial, "
    "sans-serif"
)
# Right to left, a font that joins Arabic letters first.
FONT_RTL = "'Noto Sans Arabic', 'DejaVu Sans', " + FONT


def heatmap_svg(
    *,
    rows: list[str],
    columns: list[str],
    cells: list[list[HeatCell]],
    title: str,
    description: str,
    id_prefix: str = "heatmap",
    rtl: bool = False,
    visual_order: bool = False,
) -> str:
    """A grid of % meeting target: rows (competencies) by columns (departments or roles), with
    its key below it. `rtl` mirrors it for a right-to-left language: row labels on the right,
    the first column rightmost, the key from the right. `visual_order` is for the PDF: WeasyPrint
    lays a picture's text in the document's direction, so its words go without the embedding
    marks and direction attribute a browser needs.

    Written as SVG directly rather than drawn with matplotlib: a grid of rectangles and words
    needs no plotting library, matplotlib takes a few hundred milliseconds to draw one, and its
    markup for a 33 x 12 grid is over 400 KB that the page would carry on every visit."""
    labels = [textwrap.wrap(column, 12) or [""] for column in columns]
    top = PAD + LINE * max((len(label) for label in labels), default=1) + PAD
    grid_w, grid_h = max(len(columns), 1) * CELL_W, max(len(rows), 1) * CELL_H
    key_top = top + grid_h + KEY_TOP
    # Right-to-left words of the key run a little longer than the English.
    width = max(LEFT + grid_w, KEY_W * (1.25 if rtl else 1)) + PAD
    height = key_top + (KEY_ENTRIES + 1) * KEY_ROW + PAD
    isolate = _plain if visual_order else _isolated

    def x_at(x: float, span: float = 0.0) -> float:
        """A left edge (of something `span` wide) as drawn: mirrored right to left."""
        return width - x - span if rtl else x

    def text(x: float, y: float, words: str) -> str:
        return _text(x_at(x), y, isolate(words, rtl))

    # Cells of one fill share one path, and texts of one size and ink one group: a page may
    # carry several hundred cells, and each attribute written once saves a few kilobytes.
    patches, numbers, words = defaultdict(list), defaultdict(list), defaultdict(list)
    for y, row in enumerate(cells):
        upper = top + y * CELL_H
        for x, cell in enumerate(row):
            left = LEFT + x * CELL_W
            fill, (number, word) = _cell_look(cell, id_prefix)
            ink = _ink_on(_plain_fill(cell))
            patches[fill].append(f"M{_n(x_at(left, CELL_W))} {_n(upper)}{CELL_PATH}")
            numbers[ink].append(text(left + CELL_W / 2, upper + NUMBER_BASELINE, number))
            words[ink].append(text(left + CELL_W / 2, upper + WORD_BASELINE, word))
    # Column labels are wrapped, their last line just above the first row.
    heads = [
        text(LEFT + (x + 0.5) * CELL_W, top - PAD - (len(lines) - 1 - i) * LINE, line)
        for x, lines in enumerate(labels)
        for i, line in enumerate(lines)
    ]
    # Row labels end at the grid's edge: its left edge, or its right edge right to left.
    row_anchor = "start" if rtl else "end"
    parts = [
        f'<svg role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'class="app-heatmap" xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}"'
        # Drawn with physical anchors: the page's direction must not flip them.
        # (WeasyPrint reads the attribute as the order to draw each glyph in: not for it.)
        + (' direction="ltr" style="direction: ltr"' if rtl and not visual_order else "")
        + ">",
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        _definitions(id_prefix),
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
        f'<g font-family="{_font(rtl, visual_order)}" fill="{INK}">',
        '<g stroke="#ffffff" stroke-width="2">',
        *(f'<path d="{"".join(paths)}" fill="{fill}"/>' for fill, paths in patches.items()),
        "</g>",
        *(
            f'<g font-size="{NUMBER_SIZE}" font-weight="bold" text-anchor="middle" '
            f'fill="{ink}">{"".join(texts)}</g>'
            for ink, texts in numbers.items()
        ),
        *(
            f'<g font-size="{TEXT_SIZE}" text-anchor="middle" fill="{ink}">{"".join(texts)}</g>'
            for ink, texts in words.items()
        ),
        f'<g font-size="{TEXT_SIZE}" text-anchor="{row_anchor}">',
        *(text(LEFT - PAD, top + (y + 0.5) * CELL_H + 6, row) for y, row in enumerate(rows)),
        "</g>",
        f'<g font-size="{TEXT_SIZE}" text-anchor="middle">{"".join(heads)}</g>',
        _key(id_prefix, PAD, key_top, width=width if rtl else None, isolate=isolate),
        "</g></svg>",
    ]
    return "".join(parts)


def _isolated(words: str, rtl: bool) -> str:
    """Words to draw right to left in a left-to-right chart, embedded so they keep their order."""
    return f"{RTL_OPEN}{words}{RTL_CLOSE}" if rtl and words else words


def _font(rtl: bool, for_pdf: bool) -> str:
    """The font stack; the PDF's right-to-left pictures name one font that has Arabic, so
    WeasyPrint shapes each word with it rather than fall back letter by letter."""
    if rtl and for_pdf:
        return "DejaVu Sans"
    return FONT_RTL if rtl else FONT


def _plain(words: str, rtl: bool) -> str:
    """Words as they are: WeasyPrint lays a picture's text in the document's direction."""
    return words


def _n(value: float) -> str:
    """A coordinate to a tenth of a pixel, without trailing zeros: the SVG stays small."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, words: str) -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}">{escape(words)}</text>'


def _band_ranges() -> list[tuple[float, float, str]]:
    """Each band's lowest and highest share and its words, highest band first."""
    ceilings = [100.0, *(float(floor) for floor, _ in BANDS[:-1])]
    return [
        (float(floor), ceiling, words)
        for (floor, words), ceiling in zip(BANDS, ceilings, strict=True)
    ]


def _definitions(id_prefix: str) -> str:
    """White diagonal hatching on grey for hidden cells, grey dots on white for no data, and
    each band's range of colours for the key."""
    gradients = "".join(
        f'<linearGradient id="{id_prefix}-band{i}">'
        + "".join(
            f'<stop offset="{step / 4:g}" stop-color="{_colour(low + (high - low) * step / 4)}"/>'
            for step in range(5)
        )
        + "</linearGradient>"
        for i, (low, high, _) in enumerate(_band_ranges())
    )
    return (
        "<defs>"
        f'<pattern id="{id_prefix}-hidden" patternUnits="userSpaceOnUse" width="8" height="8">'
        f'<rect width="8" height="8" fill="{HIDDEN_FILL}"/>'
        '<path d="M-2 2l4-4M0 8l8-8M6 10l4-4" stroke="#ffffff" stroke-width="1.6"/></pattern>'
        f'<pattern id="{id_prefix}-nodata" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect width="6" height="6" fill="{NO_DATA_FILL}"/>'
        '<circle cx="1.5" cy="1.5" r="0.8" fill="#b1b4b6"/>'
        '<circle cx="4.5" cy="4.5" r="0.8" fill="#b1b4b6"/></pattern>'
        f"{gradients}</defs>"
    )


def _key(
    id_prefix: str, left: float, top: float, *, width: float | None = None, isolate=None
) -> str:
    """The key below the grid: the bands' colours with their words, then the other cells'.
    With `width`, mirrored right to left within it: swatches on the right, words to their
    left."""
    rtl = width is not None
    isolate = isolate or _isolated

    def x_at(x: float, span: float = 0.0) -> float:
        return width - x - span if rtl else x

    entries = [
        (f"url(#{id_prefix}-band{i})", words) for i, (_, _, words) in enumerate(_band_ranges())
    ]
    others = [
        (f"url(#{id_prefix}-hidden)", HIDDEN_WORDS),
        (f"url(#{id_prefix}-nodata)", NO_DATA_WORDS),
        (NOT_NEEDED_FILL, NOT_NEEDED_WORDS),
    ]
    swatches, texts = [], []
    for i, (fill, words) in enumerate([*entries, *others], start=1):
        y = top + KEY_ROW * i
        swatches.append(
            f'<rect x="{_n(x_at(left, SWATCH_W))}" y="{_n(y)}" width="{_n(SWATCH_W)}" '
            f'height="{_n(SWATCH_H)}" fill="{fill}" stroke="#505a5f" stroke-width="1"/>'
        )
        texts.append(_text(x_at(left + SWATCH_W + PAD), y + SWATCH_H - 5, isolate(str(words), rtl)))
    # Translators: the heading of a chart's key (legend), which names each colour.
    heading = isolate(gettext("Key"), rtl)
    anchor = ' text-anchor="end"' if rtl else ""
    return (
        f'<g font-size="{TEXT_SIZE}"{anchor}>'
        f'<text x="{_n(x_at(left))}" y="{_n(top + 18)}" font-weight="bold">{escape(heading)}</text>'
        f"{''.join(texts)}</g>{''.join(swatches)}"
    )


def _plain_fill(cell: HeatCell) -> str:
    """The cell's plain background colour (a hatched cell's base colour)."""
    if cell.state == SHOWN and cell.value is not None:
        return _colour(cell.value)
    if cell.state == HIDDEN:
        return HIDDEN_FILL
    if cell.state == NO_DATA:
        return NO_DATA_FILL
    return NOT_NEEDED_FILL


def _cell_look(cell: HeatCell, id_prefix: str) -> tuple[str, list[str]]:
    """The cell's fill (a colour or a pattern) and its two lines of text: the share and how
    many of the people assessed meet their target ("7 of 10")."""
    if cell.state == SHOWN and cell.value is not None:
        counts = (
            ""
            if cell.known is None
            # Translators: a heatmap square, e.g. "7 of 10" (7 of the 10 people assessed).
            else gettext("%(meeting)s of %(known)s")
            % {"meeting": count_text(cell.meeting), "known": count_text(cell.known)}
        )
        return _colour(cell.value), [share_text(cell.value, compact=True), counts]
    if cell.state == HIDDEN:
        # Translators: the two short lines of a hidden heatmap square: "hidden" / "small group".
        return f"url(#{id_prefix}-hidden)", [gettext("hidden"), gettext("small group")]
    if cell.state == NO_DATA:
        # Translators: the two short lines of a heatmap square nobody has been assessed in.
        return f"url(#{id_prefix}-nodata)", [gettext("no one"), gettext("assessed yet")]
    return NOT_NEEDED_FILL, ["\u2013", gettext("not needed")]


@lru_cache(maxsize=1024)
def _colour(value: float) -> str:
    """The colour map's colour for a % meeting target, as #rrggbb."""
    import matplotlib
    from matplotlib.colors import to_hex

    return to_hex(matplotlib.colormaps[COLOUR_MAP](min(max(value, 0.0), 100.0) / 100))


@lru_cache(maxsize=1024)
def _ink_on(fill: str) -> str:
    """Black or white text, whichever contrasts more with the fill (WCAG relative luminance)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(fill[i : i + 2], 16) / 255) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return INK if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


# The trend's words in points (1/72 inch): 12 pt is 16 CSS pixels at the chart's natural size.
TREND_TEXT_PT = 12


def trend_svg(
    *,
    points: list[tuple[str, float | None]],
    title: str,
    description: str,
    id_prefix: str = "trend",
) -> str:
    """A small line chart of % meeting target over time, each point labelled with its value."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.4))
    axes = figure.add_subplot()
    labels = [label for label, _ in points]
    values = [value for _, value in points]
    xs = list(range(len(points)))
    axes.plot(
        xs,
        [v if v is not None else float("nan") for v in values],
        color=INK,
        marker="o",
        linewidth=2,
    )
    for x, value in zip(xs, values, strict=True):
        if value is not None:
            axes.annotate(
                share_text(value, compact=True),
                (x, value),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=TREND_TEXT_PT,
                color=INK,
            )
    axes.set_xticks(xs, labels, fontsize=TREND_TEXT_PT)
    axes.set_ylim(0, 115)
    axes.set_yticks([0, 50, 100], [share_text(v) for v in (0, 50, 100)], fontsize=TREND_TEXT_PT)
    axes.set_ylabel(gettext("Share meeting their target"), fontsize=TREND_TEXT_PT)
    axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    return _svg(figure, title=title, description=description, id_prefix=id_prefix)


def _svg(figure, *, title: str, description: str, id_prefix: str) -> str:
    """The figure as an inline <svg>: real text, shrinking to its container,
    ids made unique to this chart, and a title and description that name it."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": id_prefix,
            # Written into every text's style: the fonts that matter, not matplotlib's ten.
            "font.sans-serif": ["DejaVu Sans", "Arial"],
        }
    ):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    # The page carries the chart inline: no indentation, no ids on groups nothing refers to,
    # no text rotated by nothing.
    text = re.sub(r">\s+<", "><", re.sub(r"\s*\n\s*", " ", text))
    text = re.sub(r'<g id="[^"]*">', "<g>", text)
    text = re.sub(r' transform="rotate\(-0 [^)]*\)"', "", text)
    # Two charts on one page must not share ids (matplotlib numbers its groups from 1).
    text = re.sub(r'\bid="', f'id="{id_prefix}-', text)
    text = text.replace("url(#", f"url(#{id_prefix}-").replace('href="#', f'href="#{id_prefix}-')
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    opening = re.match(r"<svg[^>]*>", text).group(0)
    # Keep the natural width (never scaled up) and let the height follow the viewBox, so
    # the chart shrinks to a narrow screen with the page's max-width rule.
    sized = re.sub(r'\sheight="[^"]*"', "", opening)
    labelled = sized.replace(
        "<svg",
        f'<svg role="img" aria-labelledby="{title_id} {desc_id}" class="app-figure__image"',
        1,
    )
    labelled += f'<title id="{title_id}">{escape(title)}</title>'
    labelled += f'<desc id="{desc_id}">{escape(description)}</desc>'
    return labelled + text[len(opening) :]
