"""Charts as accessible SVG text, drawn with matplotlib from plain data (no ORM, no request).

Every chart carries a <title> and <desc> that name what it shows and where the same figures are
in a table: the table is the primary accessible form, the chart a quick visual summary. Colour
never carries meaning alone: each heatmap cell also prints its number and a band word, and hidden
cells are hatched and say "hidden".
"""

import io
import re
from dataclasses import dataclass
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


def heatmap_svg(
    *,
    rows: list[str],
    columns: list[str],
    cells: list[list[HeatCell]],
    title: str,
    description: str,
    id_prefix: str = "heatmap",
) -> str:
    """A grid of % meeting target: rows (competencies) by columns (departments or roles)."""
    import matplotlib
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    colours = matplotlib.colormaps[COLOUR_MAP]
    scale = Normalize(vmin=0, vmax=100)
    width = 2.0 + 0.95 * max(len(columns), 1) + 1.2
    height = 1.2 + 0.5 * max(len(rows), 1)
    figure = Figure(figsize=(width, height))
    axes = figure.add_axes((1.6 / width, 0.4 / height, 0.95 * len(columns) / width, 0.5 * len(rows) / height))
    for y, row in enumerate(cells):
        for x, cell in enumerate(row):
            fill, hatch, lines = _cell_look(cell, colours, scale)
            axes.add_patch(
                Rectangle((x, y), 1, 1, facecolor=fill, edgecolor="#ffffff", hatch=hatch, lw=1.5)
            )
            ink = _ink_on(fill)
            if lines:
                axes.text(x + 0.5, y + 0.42, lines[0], ha="center", va="center",
                          fontsize=9, fontweight="bold", color=ink)
                axes.text(x + 0.5, y + 0.76, lines[1], ha="center", va="center",
                          fontsize=7, color=ink)
    axes.set_xlim(0, max(len(columns), 1))
    axes.set_ylim(max(len(rows), 1), 0)
    axes.set_xticks([x + 0.5 for x in range(len(columns))], columns, fontsize=9)
    axes.set_yticks([y + 0.5 for y in range(len(rows))], rows, fontsize=9)
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    bar = figure.colorbar(
        matplotlib.cm.ScalarMappable(norm=scale, cmap=colours),
        ax=axes,
        fraction=0.6 / width,
        pad=0.15 / width,
    )
    bar.set_label("% meeting target (low < 50, mid 50-79, high 80+)", fontsize=8)
    bar.ax.tick_params(labelsize=8)
    return _svg(figure, title=title, description=description, id_prefix=id_prefix)


def _cell_look(cell: HeatCell, colours, scale) -> tuple[str, str | None, list[str]]:
    from matplotlib.colors import to_hex

    if cell.state == SHOWN and cell.value is not None:
        return to_hex(colours(scale(cell.value))), None, [f"{cell.value:.0f}%", band(cell.value)]
    if cell.state == HIDDEN:
        return HIDDEN_FILL, "///", ["hidden", "small group"]
    if cell.state == NO_DATA:
        return NO_DATA_FILL, "..", ["?", "no data"]
    return NOT_NEEDED_FILL, None, ["-", "not needed"]


def _ink_on(fill: str) -> str:
    """Black or white text, whichever contrasts more with the fill (WCAG relative luminance)."""
    from matplotlib.colors import to_rgb

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(fill))
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

    figure = Figure(figsize=(6, 2.6))
    axes = figure.add_subplot()
    labels = [label for label, _ in points]
    values = [value for _, value in points]
    xs = list(range(len(points)))
    axes.plot(xs, [v if v is not None else float("nan") for v in values],
              color=INK, marker="o", linewidth=2)
    for x, value in zip(xs, values, strict=True):
        if value is not None:
            axes.annotate(f"{value:.0f}%", (x, value), textcoords="offset points",
                          xytext=(0, 7), ha="center", fontsize=8, color=INK)
    axes.set_xticks(xs, labels, fontsize=8)
    axes.set_ylim(0, 110)
    axes.set_yticks([0, 50, 100], ["0%", "50%", "100%"], fontsize=8)
    axes.set_ylabel("% meeting target", fontsize=8)
    axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    return _svg(figure, title=title, description=description, id_prefix=id_prefix)


def _svg(figure, *, title: str, description: str, id_prefix: str) -> str:
    """The figure as an inline <svg>: real text, no fixed size (it scales to its container),
    ids made unique to this chart, and a title and description that name it."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": id_prefix}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    # Two charts on one page must not share ids (matplotlib numbers its groups from 1).
    text = re.sub(r'\bid="', f'id="{id_prefix}-', text)
    text = text.replace("url(#", f"url(#{id_prefix}-").replace('href="#', f'href="#{id_prefix}-')
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    opening = re.match(r"<svg[^>]*>", text).group(0)
    sized = re.sub(r'\s(width|height)="[^"]*"', "", opening)
    labelled = sized.replace(
        "<svg",
        f'<svg role="img" aria-labelledby="{title_id} {desc_id}" class="app-figure__image"',
        1,
    )
    labelled += f'<title id="{title_id}">{escape(title)}</title>'
    labelled += f'<desc id="{desc_id}">{escape(description)}</desc>'
    return labelled + text[len(opening) :]
