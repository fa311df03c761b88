"""The report pack's wide matrices cut into parts that fit its printed page.

A department's grid can have a dozen job-role columns and some forty competency rows: printed
whole, it runs off the right edge and past the foot of the page, and what runs off is lost.
So the pack prints it in parts, each within the page:

- the heatmap as several pictures, each a run of competency rows (and, where the columns would
  otherwise shrink the words below a readable size, a run of the columns), every one with its
  own column labels, row labels and key;
- the table as several tables, each a run of the columns with the competency column first and
  its own header row, which the PDF repeats at the top of every page the table runs onto.

The parts are balanced (two parts of 7 and 6 columns rather than 12 and 1) and the sizes come
from the page below, which the template's @page rule states in the same millimetres.
"""

import base64
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from analytics.reports import dashboard
from analytics.reports.dashboard import Cell, Grid, GridRow
from analytics.templatetags.analytics_format import pack_cell

# The pack's page: A4 upright, 18 mm top and bottom margins, 15 mm at the sides.
PAGE_MARGIN_MM = (18, 15)
CONTENT_WIDTH_MM = 210 - 2 * PAGE_MARGIN_MM[1]
CONTENT_HEIGHT_MM = 297 - 2 * PAGE_MARGIN_MM[0]
PX_PER_MM = 96 / 25.4  # CSS pixels, the unit the heatmap is drawn in

# A heatmap part is shrunk to the page's width, but never below this share of its natural size:
# its smallest words (16 px) would fall under 7 pt.
HEATMAP_MIN_SCALE = 0.6
# Room a heatmap part leaves on its page for the section heading and its own caption above it.
HEATMAP_HEADROOM_MM = 28

# The table: the competency column, then at least this much for each group's column.
TABLE_ROW_HEADER_MM = 44
TABLE_COLUMN_MM = 26
# Translators: the heading of the report pack's total column (all departments or job roles).
TOTAL_HEADING = gettext_lazy("All")


def _range_note(label: str, first: int, last: int, count: int) -> str:
    """ "departments 1 to 5 of 8": which of the groups a part of the pack shows."""
    values = {"first": first, "last": last, "count": count}
    if label == "department":
        return gettext("departments %(first)s to %(last)s of %(count)s") % values
    return gettext("job roles %(first)s to %(last)s of %(count)s") % values


def _all_note(label: str) -> str:
    if label == "department":
        return gettext("all departments together")
    return gettext("all job roles together")


@dataclass(frozen=True)
class HeatmapPart:
    number: int
    of: int
    first: str  # the first and last competency codes of its rows
    last: str
    columns: str  # "job roles 1 to 6 of 12" when the columns are split, else ""
    src: str  # the picture, as a data URI
    width_mm: float
    height_mm: float


@dataclass(frozen=True)
class TableRow:
    code: str
    title: str
    cells: list[str]  # each cell's words, as the pack writes them


@dataclass(frozen=True)
class TablePart:
    number: int
    of: int
    headings: list[str]  # the groups' names, and TOTAL_HEADING in the part that ends with it
    columns: str  # "departments 1 to 5 of 8" when the columns are split, else ""
    rows: list[TableRow]


def balanced(items: Sequence, most: int) -> list[list]:
    """`items` in runs of at most `most`, as few runs as that allows, of nearly equal length."""
    items = list(items)
    if not items:
        return []
    count = math.ceil(len(items) / max(most, 1))
    size, extra = divmod(len(items), count)
    runs, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        runs.append(items[start:end])
        start = end
    return runs


def table_parts(grid: Grid, *, label: str) -> list[TablePart]:
    """The grid's table in runs of columns that fit the page's width, the total last."""
    headings = [column.name for column in grid.columns] + [str(TOTAL_HEADING)]
    room = CONTENT_WIDTH_MM - TABLE_ROW_HEADER_MM
    runs = balanced(range(len(headings)), int(room // TABLE_COLUMN_MM))
    groups = len(grid.columns)
    parts = []
    for number, run in enumerate(runs, start=1):
        rows = [
            TableRow(row.code, row.title, [pack_cell(([*row.cells, row.total])[i]) for i in run])
            for row in grid.rows
        ]
        shown = [i for i in run if i < groups]
        note = _range_note(label, shown[0] + 1, shown[-1] + 1, groups) if shown else ""
        if groups in run:
            together = _all_note(label)
            # Translators: joins "departments 6 to 8 of 8" and "all departments together".
            if note:
                note = gettext("%(groups)s, and %(all)s") % {"groups": note, "all": together}
            else:
                note = together
        parts.append(TablePart(number, len(runs), [headings[i] for i in run], note, rows))
    return parts


def heatmap_parts(grid: Grid, *, label: str) -> list[HeatmapPart]:
    """The grid's heatmap in pictures that each fit a page: runs of competency rows, and runs
    of columns where the whole width would shrink the words too far."""
    if not grid.rows or not grid.columns:
        return []
    width_px = CONTENT_WIDTH_MM * PX_PER_MM
    height_px = (CONTENT_HEIGHT_MM - HEATMAP_HEADROOM_MM) * PX_PER_MM

    def size(columns: Sequence[int], rows: Sequence[GridRow]) -> tuple[float, float]:
        return _view_box(_heatmap(grid, columns, rows, label=label, id_prefix="pack-measure"))

    def scale(columns: Sequence[int]) -> float:
        return min(1.0, width_px / size(columns, grid.rows[:1])[0])

    indexes = list(range(len(grid.columns)))
    most = len(indexes)
    while most > 1 and scale(indexes[:most]) < HEATMAP_MIN_SCALE:
        most -= 1
    column_runs = balanced(indexes, most)
    # Rows per picture: the drawing's height grows by one row's height per row.
    fits = []
    for columns in column_runs:
        one = size(columns, grid.rows[:1])[1]
        per_row = size(columns, grid.rows[:2])[1] - one if len(grid.rows) > 1 else one
        fits.append(max(1, int((height_px / scale(columns) - (one - per_row)) // per_row)))
    row_runs = balanced(grid.rows, min(fits))

    count = len(column_runs) * len(row_runs)
    parts = []
    for columns in column_runs:
        factor = scale(columns)
        note = ""
        if len(column_runs) > 1:
            note = _range_note(label, columns[0] + 1, columns[-1] + 1, len(indexes))
        for rows in row_runs:
            svg = _heatmap(grid, columns, rows, label=label, id_prefix=f"pack-{len(parts) + 1}")
            width, height = _view_box(svg)
            parts.append(
                HeatmapPart(
                    number=len(parts) + 1,
                    of=count,
                    first=rows[0].code,
                    last=rows[-1].code,
                    columns=note,
                    src=data_uri(svg),
                    width_mm=round(width * factor / PX_PER_MM, 2),
                    height_mm=round(height * factor / PX_PER_MM, 2),
                )
            )
    return parts


def _heatmap(
    grid: Grid, columns: Sequence[int], rows: Sequence[GridRow], *, label: str, id_prefix: str
) -> str:
    part = Grid(
        [grid.columns[i] for i in columns],
        [_with_cells(row, [row.cells[i] for i in columns]) for row in rows],
    )
    # WeasyPrint lays SVG text left to right: right-to-left words go in drawn order.
    return dashboard.heatmap_for(part, label=label, id_prefix=id_prefix, visual_order=True)


def _with_cells(row: GridRow, cells: list[Cell]) -> GridRow:
    return GridRow(row.code, row.title, row.area, cells, row.total, row.made_of)


def _view_box(svg: str) -> tuple[float, float]:
    found = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg)
    if found is None:
        raise ValueError("The heatmap has no viewBox to measure it by.")
    return float(found.group(1)), float(found.group(2))


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
