"""Charts as accessible SVG text from plain data (no ORM, no request): the heatmap written out
directly, the trend line drawn with matplotlib.

Every chart carries a <title> and <desc> that name what it shows and where the same figures are
in a table: the table is the primary accessible form, the chart a quick visual summary. Colour
never carries meaning alone: each heatmap cell also prints its number and a band word, and hidden
cells are hatched and say "hidden".
"""

import io
import re
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from html import escape

SHOWN, HIDDEN, NO_DATA, NOT_NEEDED = "shown", "hidden", "no data", "not needed"

# Bands of % meeting target, printed in cells so the scale can be read without colour.
BANDS = [(80.0, "high"), (50.0, "mid"), (0.0, "low")]

# cividis is designed to read the same with the common colour-vision deficiencies and in grey.
COLOUR_MAP = "cividis"
HIDDEN_FILL, NO_DATA_FILL, NOT_NEEDED_FILL = "#dddddd", "#ffffff", "#f3f2f1"
INK = "#0b0c0c"


@dataclass(frozen=True)
class HeatCell:
    state: str  # SHOWN, HIDDEN, NO_DATA (nobody's level is known) or NOT_NEEDED
    value: float | None = None  # % meeting target when SHOWN


def band(value: float | None) -> str:
    """The word for a % meeting target: "low", "mid" or "high" ("" when there is none)."""
    if value is None:
        return ""
    return next(name for floor, name in BANDS if value >= floor)


# Heatmap layout in points (1/72 inch): the margin for row labels, the strip under the grid,
# one cell, and the colour scale's gap, width and room for its labels.
LEFT, BOTTOM, CELL_W, CELL_H = 72.0, 14.4, 90.0, 46.8
SCALE_GAP, SCALE_W, SCALE_LABELS = 25.2, 15.84, 72.0
CELL_PATH = f"h{CELL_W:g}v{CELL_H:g}h-{CELL_W:g}z"  # one cell, drawn from its top left
# Baselines of a cell's number (13 pt bold) and band word (10 pt), centred at 42% and 76% down.
NUMBER_BASELINE, WORD_BASELINE = 0.42 * CELL_H + 4.6, 0.76 * CELL_H + 3.5
SCALE_TICKS = [(0, "0"), (50, "50 mid"), (80, "80 high"), (100, "100%")]
# The service's own font stack, written out because a chart saved into the PDF inherits none.
FONT = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Liberation Sans', Arial, "
    "sans-serif"
)


def heatmap_svg(
    *,
    rows: list[str],
    columns: list[str],
    cells: list[list[HeatCell]],
    title: str,
    description: str,
    id_prefix: str = "heatmap",
) -> str:
    """A grid of % meeting target: rows (competencies) by columns (departments or roles).

    Written as SVG directly rather than drawn with matplotlib: a grid of rectangles and words
    needs no plotting library, matplotlib takes a few hundred milliseconds to draw one, and its
    markup for a 33 x 12 grid is over 400 KB that the page would carry on every visit."""
    labels = [textwrap.wrap(column, 12) or [""] for column in columns]
    top = 72 * (0.35 + 0.22 * max((len(label) for label in labels), default=1))
    grid_w, grid_h = max(len(columns), 1) * CELL_W, max(len(rows), 1) * CELL_H
    width = LEFT + grid_w + SCALE_GAP + SCALE_W + SCALE_LABELS
    height = top + grid_h + BOTTOM
    # Cells of one fill share one path, and texts of one size and ink one group: a page may
    # carry several hundred cells, and each attribute written once saves a few kilobytes.
    patches, numbers, words = defaultdict(list), defaultdict(list), defaultdict(list)
    for y, row in enumerate(cells):
        upper = top + y * CELL_H
        for x, cell in enumerate(row):
            left = LEFT + x * CELL_W
            fill, (number, word) = _cell_look(cell, id_prefix)
            ink = _ink_on(_plain_fill(cell))
            patches[fill].append(f"M{_n(left)} {_n(upper)}{CELL_PATH}")
            numbers[ink].append(_text(left + CELL_W / 2, upper + NUMBER_BASELINE, number))
            words[ink].append(_text(left + CELL_W / 2, upper + WORD_BASELINE, word))
    # Column labels are wrapped, their last line just above the first row.
    heads = [
        _text(LEFT + (x + 0.5) * CELL_W, top - 7.2 - (len(lines) - 1 - i) * 13.2, line)
        for x, lines in enumerate(labels)
        for i, line in enumerate(lines)
    ]
    parts = [
        f'<svg role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'class="app-figure__image" xmlns="http://www.w3.org/2000/svg" width="{_n(width)}pt" '
        f'viewBox="0 0 {_n(width)} {_n(height)}">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        _definitions(id_prefix),
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
        f'<g font-family="{FONT}" fill="{INK}">',
        '<g stroke="#ffffff" stroke-width="1.5">',
        *(f'<path d="{"".join(paths)}" fill="{fill}"/>' for fill, paths in patches.items()),
        "</g>",
        *(
            f'<g font-size="13" font-weight="bold" text-anchor="middle" fill="{ink}">'
            f"{''.join(texts)}</g>"
            for ink, texts in numbers.items()
        ),
        *(
            f'<g font-size="10" text-anchor="middle" fill="{ink}">{"".join(texts)}</g>'
            for ink, texts in words.items()
        ),
        '<g font-size="12" text-anchor="end">',
        *(_text(LEFT - 3.5, top + (y + 0.5) * CELL_H + 4.2, row) for y, row in enumerate(rows)),
        "</g>",
        f'<g font-size="11" text-anchor="middle">{"".join(heads)}</g>',
        _scale(id_prefix, LEFT + grid_w + SCALE_GAP, top, grid_h),
        "</g></svg>",
    ]
    return "".join(parts)


def _n(value: float) -> str:
    """A coordinate to a tenth of a point, without trailing zeros: the SVG stays small."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, words: str) -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}">{escape(words)}</text>'


def _definitions(id_prefix: str) -> str:
    """White diagonal hatching on grey for hidden cells, grey dots on white for no data, and
    the colour scale's gradient."""
    return (
        "<defs>"
        f'<pattern id="{id_prefix}-hidden" patternUnits="userSpaceOnUse" width="8" height="8">'
        f'<rect width="8" height="8" fill="{HIDDEN_FILL}"/>'
        '<path d="M-2 2l4-4M0 8l8-8M6 10l4-4" stroke="#ffffff" stroke-width="1.6"/></pattern>'
        f'<pattern id="{id_prefix}-nodata" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect width="6" height="6" fill="{NO_DATA_FILL}"/>'
        '<circle cx="1.5" cy="1.5" r="0.8" fill="#b1b4b6"/>'
        '<circle cx="4.5" cy="4.5" r="0.8" fill="#b1b4b6"/></pattern>'
        f'<linearGradient id="{id_prefix}-scale" x1="0" y1="1" x2="0" y2="0">'
        + "".join(
            f'<stop offset="{step / 10:g}" stop-color="{_colour(10.0 * step)}"/>'
            for step in range(11)
        )
        + "</linearGradient></defs>"
    )


def _scale(id_prefix: str, left: float, top: float, height: float) -> str:
    """The colour scale beside the grid, its ticks labelled with the band names."""
    right = left + SCALE_W
    ticks = "".join(
        f'<path d="M{_n(right)} {_n(top + height * (1 - value / 100))}h3.5"/>'
        for value, _ in SCALE_TICKS
    )
    labels = "".join(
        f'<text x="{_n(right + 7)}" y="{_n(top + height * (1 - value / 100) + 3.5)}">'
        f"{escape(label)}</text>"
        for value, label in SCALE_TICKS
    )
    return (
        f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(SCALE_W)}" height="{_n(height)}" '
        f'fill="url(#{id_prefix}-scale)" stroke="#000000" stroke-width="0.8"/>'
        f'<g stroke="#000000" stroke-width="0.8">{ticks}</g>'
        f'<g font-size="10">{labels}</g>'
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
    """The cell's fill (a colour or a pattern) and its two lines of text."""
    if cell.state == SHOWN and cell.value is not None:
        return _colour(cell.value), [f"{cell.value:.0f}%", band(cell.value)]
    if cell.state == HIDDEN:
        return f"url(#{id_prefix}-hidden)", ["hidden", "small group"]
    if cell.state == NO_DATA:
        return f"url(#{id_prefix}-nodata)", ["?", "no data"]
    return NOT_NEEDED_FILL, ["-", "not needed"]


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


def trend_svg(
    *,
    points: list[tuple[str, float | None]],
    title: str,
    description: str,
    id_prefix: str = "trend",
) -> str:
    """A small line chart of % meeting target over time, each point labelled with its value."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3))
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
                f"{value:.0f}%",
                (x, value),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=10,
                color=INK,
            )
    axes.set_xticks(xs, labels, fontsize=10)
    axes.set_ylim(0, 110)
    axes.set_yticks([0, 50, 100], ["0%", "50%", "100%"], fontsize=10)
    axes.set_ylabel("% meeting target", fontsize=10)
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
