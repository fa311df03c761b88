"""What the report pages and the report pack show, shaped from a (suppressed) Report as plain
dataclasses: the grid with its heatmap, the top gaps, the data-quality notes, the trend.

Nothing here queries the models: links are made by callables the views pass in, so the same
shapes serve the pages, the PDF and the tests. Charts are kept in the cache, keyed by their
figures.
"""

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language, gettext, pgettext_lazy

from analytics.reports import charts
from analytics.reports.assembly import Report
from analytics.reports.charts import HIDDEN, NO_DATA, NOT_NEEDED, SHOWN, HeatCell
from analytics.reports.crosswalk import CrosswalkReport
from analytics.reports.wording import is_rtl, share_text

# Part of the key of every cached chart: raise it when the drawing code changes, so no process
# serves a chart drawn by the previous release.
CHART_VERSION = 3
SOURCE_ORDER = ["knowledge check", "manager validation", "course completion", "self-assessment"]
# The sources of evidence as a reader sees them (the keys stay the data's own words).
SOURCE_LABELS = {
    "knowledge check": pgettext_lazy("evidence source", "knowledge check"),
    "manager validation": pgettext_lazy("evidence source", "manager validation"),
    "course completion": pgettext_lazy("evidence source", "course completion"),
    "self-assessment": pgettext_lazy("evidence source", "self-assessment"),
}


def source_label(source: str) -> str:
    """An evidence source in the reader's language; an unknown one as it is."""
    return str(SOURCE_LABELS.get(source, source))


UrlFor = Callable[..., str | None]


@dataclass(frozen=True)
class Figures:
    """One group's figures; every field None when the group is hidden."""

    people: int | None = None
    known: int | None = None
    unknown: int | None = None
    pct_unknown: float | None = None
    meeting: int | None = None
    pct_meeting: float | None = None
    below: int | None = None
    mean_gap: float | None = None
    priority: float | None = None
    stale: int | None = None


@dataclass(frozen=True)
class Cell:
    state: str  # charts.SHOWN, HIDDEN, NO_DATA or NOT_NEEDED
    figures: Figures
    url: str | None = None

    @property
    def band(self) -> str:
        return charts.band(self.figures.pct_meeting)


@dataclass(frozen=True)
class GridRow:
    code: str
    title: str
    area: str
    cells: list[Cell]
    total: Cell
    # Seen through another framework: the primary competencies (code, link) counted here.
    made_of: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    code: str
    name: str
    url: str | None = None


@dataclass
class Grid:
    columns: list[Column]
    rows: list[GridRow]
    svg: str = ""
    title: str = ""  # what every cell shows, across what: the heatmap's and the table's heading


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _count(value) -> int | None:
    number = _number(value)
    return None if number is None else round(number)


def figures_of(row: pd.Series | dict | None) -> Figures:
    if row is None:
        return Figures()
    return Figures(
        people=_count(row.get("people")),
        known=_count(row.get("known")),
        unknown=_count(row.get("unknown")),
        pct_unknown=_number(row.get("pct_unknown")),
        meeting=_count(row.get("meeting")),
        pct_meeting=_number(row.get("pct_meeting")),
        below=_count(row.get("below")),
        mean_gap=_number(row.get("mean_gap")),
        priority=_number(row.get("priority")),
        stale=_count(row.get("stale")),
    )


COUNTS = ("people", "known", "unknown", "meeting", "below", "stale")
SHARES = ("pct_unknown", "pct_meeting", "mean_gap", "priority")


def _states_by(frame: pd.DataFrame, keys: list[str]) -> dict:
    """Each group's state and figures (hidden when suppressed, "no data" when nobody's level is
    known), keyed by its `keys` values (one value for one key, else a tuple).

    Converted column by column: reading a grid of several hundred groups row by row through
    pandas cost more than the rest of the page."""
    if frame.empty:
        return {}
    values = {}
    for name in (*COUNTS, *SHARES):
        if name not in frame:
            values[name] = [None] * len(frame)
            continue
        column = frame[name].to_numpy(dtype=float)
        missing = np.isnan(column)
        numbers = np.rint(np.where(missing, 0, column)).astype(int) if name in COUNTS else column
        values[name] = [
            None if gone else number
            for gone, number in zip(missing.tolist(), numbers.tolist(), strict=True)
        ]
    hidden = frame["suppressed"].astype(bool).tolist()
    found = {}
    labels = zip(*(frame[key].tolist() for key in keys), strict=True)
    for i, label in enumerate(labels):
        key = label[0] if len(keys) == 1 else label
        if hidden[i]:
            found[key] = (HIDDEN, Figures())
            continue
        figures = Figures(**{name: column[i] for name, column in values.items()})
        found[key] = (SHOWN if figures.known else NO_DATA, figures)
    return found


def _cell(state: tuple[str, Figures] | None, url: str | None) -> Cell:
    if state is None:
        return Cell(NOT_NEEDED, Figures())  # nobody here is required to have it: no link
    return Cell(*state, url)


def grid_of(
    report: Report,
    *,
    grid: pd.DataFrame | None = None,
    totals: pd.DataFrame | None = None,
    titles: dict[str, str] | None = None,
    column_url: UrlFor = lambda code: None,
    cell_url: UrlFor = lambda column, competency: None,
    total_url: UrlFor = lambda competency: None,
    with_svg: bool = True,
    svg_id: str = "heatmap",
) -> Grid:
    """Competencies down, departments (or job roles) across, with a total column per
    competency. `grid`, `totals` and `titles` replace the report's own (the crosswalk view)."""
    grid = report.grid if grid is None else grid
    totals = report.totals if totals is None else totals
    label = report.rows_label
    present = set(grid[label]) if not grid.empty else set()
    columns = [
        Column(code, name, column_url(code))
        for code, name in report.names.items()
        if code in present
    ]
    if titles is None:
        competencies = report.competencies.sort_values(["order", "competency"])
        titles = dict(zip(competencies["competency"], competencies["title"], strict=True))
        areas = dict(zip(competencies["competency"], competencies["area"], strict=True))
    else:
        areas = {}
    by_cell = _states_by(grid, [label, "competency"])
    by_total = _states_by(totals, ["competency"])
    rows = []
    for code, title in titles.items():
        if code not in by_total and not any((c.code, code) in by_cell for c in columns):
            continue  # no role needs it: leave it out rather than show an empty row
        cells = [
            _cell(by_cell.get((column.code, code)), cell_url(column.code, code))
            for column in columns
        ]
        total = _cell(by_total.get(code), total_url(code))
        rows.append(GridRow(code, title, areas.get(code, ""), cells, total))
    result = Grid(columns, rows, title=heatmap_title(label))
    if with_svg and rows and columns:
        result.svg = heatmap_for(result, label=label, id_prefix=svg_id)
    return result


def crosswalk_grid_of(
    report: Report, crosswalk: CrosswalkReport, *, column_url: UrlFor, competency_url: UrlFor
) -> Grid:
    """The organisation's grid through another framework: each of its competencies by
    department, and the primary competencies it is made of, each linked."""
    grid = grid_of(
        report,
        grid=crosswalk.grid,
        totals=crosswalk.totals,
        titles=crosswalk.titles,
        column_url=column_url,
    )
    grid.rows = [
        replace(row, made_of=[(c, competency_url(c)) for c in crosswalk.links.get(row.code, [])])
        for row in grid.rows
    ]
    return grid


def heatmap_for(
    grid: Grid, *, label: str, id_prefix: str = "heatmap", visual_order: bool = False
) -> str:
    """The grid's heatmap; `visual_order` for the PDF (see charts.heatmap_svg)."""
    # Department codes are short and known; job role codes are slugs, so roles go by name.
    short = all(len(column.code) <= 6 for column in grid.columns)
    return _heatmap(
        tuple(row.code for row in grid.rows),
        tuple(column.code if short else column.name for column in grid.columns),
        tuple(
            tuple(
                HeatCell(c.state, c.figures.pct_meeting, c.figures.meeting, c.figures.known)
                for c in row.cells
            )
            for row in grid.rows
        ),
        label,
        id_prefix,
        get_language() or "",
        visual_order,
    )


def _across(label: str) -> str:
    return "department" if label == "department" else "job role"


# Charts are drawn when their figures change, not on every visit: each process keeps the ones
# it used, and the processes share them through the cache, keyed by the figures drawn, so
# nothing needs invalidating. Drawing the trend takes matplotlib about 100 ms, and even the
# heatmap's colours cost a fresh process half a second of importing it.
@lru_cache(maxsize=64)
def _heatmap(
    rows: tuple,
    columns: tuple,
    cells: tuple,
    label: str,
    id_prefix: str,
    language: str,
    visual_order: bool = False,
) -> str:
    # `language` is part of the key: the chart's words are the reader's.
    def draw() -> str:
        if label == "department":
            across = gettext("one column per department")
        else:
            across = gettext("one column per job role")
        key = "; ".join(str(words) for _, words in charts.BANDS)
        others = f"{charts.HIDDEN_WORDS}; {charts.NO_DATA_WORDS}; {charts.NOT_NEEDED_WORDS}"
        return charts.heatmap_svg(
            rows=list(rows),
            columns=list(columns),
            cells=[list(row) for row in cells],
            title=heatmap_title(label),
            description=gettext(
                "Heatmap: one row per competency, %(across)s. Each square gives the share of "
                "the people assessed who meet their target level, and how many of them (7 of "
                "10: 7 of the 10 people assessed meet their target). Its colour follows the key "
                "below the grid: %(key)s. %(others)s. The same figures are in the table that "
                "follows."
            )
            % {"across": across, "key": key, "others": others},
            id_prefix=id_prefix,
            rtl=is_rtl(),
            visual_order=visual_order,
        )

    key = (rows, columns, cells, label, id_prefix, language, visual_order)
    return _shared("heatmap", key, draw)


def heatmap_title(label: str) -> str:
    """The heading of a grid's heatmap and table: what every square shows, across what."""
    if label == "department":
        return gettext("Share of people meeting their target level, by competency and department")
    return gettext("Share of people meeting their target level, by competency and job role")


def _shared(kind: str, figures: tuple, draw: Callable[[], str]) -> str:
    digest = hashlib.sha256(repr((CHART_VERSION, figures)).encode()).hexdigest()
    return cache.get_or_set(f"analytics:{kind}-svg:{digest}", draw, timeout=24 * 3600)


@dataclass(frozen=True)
class TopGap:
    rank: int
    code: str
    title: str
    figures: Figures
    url: str | None = None


def top_gaps_of(
    report: Report, *, url: UrlFor = lambda competency: None, limit: int = 10
) -> list[TopGap]:
    """The report's top gaps (already free of hidden groups), largest priority first."""
    rows = report.top_gaps.head(limit)
    return [
        TopGap(
            rank, row["competency"], row.get("title", ""), figures_of(row), url(row["competency"])
        )
        for rank, (_, row) in enumerate(rows.iterrows(), start=1)
        if _number(row.get("priority"))
    ]


@dataclass(frozen=True)
class Coverage:
    threshold: int
    stale_after_days: int
    people_in_scope: int
    people_with_evidence: int | None
    pct_unknown: float | None
    pct_stale: float | None
    sources: list[tuple[str, int]] = field(default_factory=list)
    suppressed_cells: int = 0
    # Targets (one per person and competency they need) in the groups shown, and how many of
    # them have no known level or a stale one; None where the report was computed without them.
    targets: int | None = None
    unknown: int | None = None
    stale: int | None = None

    @property
    def pct_with_evidence(self) -> float | None:
        if self.people_with_evidence is None or not self.people_in_scope:
            return None
        return 100 * self.people_with_evidence / self.people_in_scope


def coverage_of(report: Report) -> Coverage:
    coverage = report.coverage
    sources = coverage.get("sources") or {}
    ordered = sorted(
        sources.items(),
        key=lambda item: SOURCE_ORDER.index(item[0]) if item[0] in SOURCE_ORDER else 99,
    )
    return Coverage(
        threshold=report.threshold,
        stale_after_days=settings.ANALYTICS_STALE_AFTER_DAYS,
        people_in_scope=int(coverage.get("people_in_scope") or 0),
        people_with_evidence=coverage.get("people_with_evidence"),
        pct_unknown=coverage.get("pct_unknown"),
        pct_stale=coverage.get("pct_stale"),
        sources=[(source, int(count)) for source, count in ordered],
        suppressed_cells=int(coverage.get("suppressed_cells") or 0),
        targets=coverage.get("targets"),
        unknown=coverage.get("unknown"),
        stale=coverage.get("stale"),
    )


def method_notes(threshold: int, stale_after_days: int) -> list[str]:
    """How every figure is made, in plain words: on the pages, the PDF and the XLSX."""
    return [
        gettext(
            "Each person's target comes from their job role in the competency framework; a "
            "department may set its own target for a role. Competencies a role does not need "
            "(target 0) are left out."
        ),
        gettext(
            "A person's level comes from the strongest evidence they have: a passed knowledge "
            "check or their line manager's confirmation, then a completed course, then their "
            "own self-assessment."
        ),
        gettext(
            "Gap = target minus level, never below 0, only where the level is known. Nobody is "
            "counted as level 0 for want of evidence: people not yet assessed are counted "
            "apart, and the share meeting their target is a share of the people assessed "
            "(whose level is known)."
        ),
        gettext(
            "A group is shown only when it has more than %(threshold)s people, so that even "
            "one of its own members sees figures about at least %(threshold)s others; smaller "
            "groups are hidden with every figure about them. Where a total over several groups "
            "is published, more groups are hidden until the hidden ones hold more than "
            "%(threshold)s people together, so no hidden group can be worked out by "
            "subtraction."
        )
        % {"threshold": threshold},
        gettext(
            "The data-quality figures (people, evidence, unknown and stale levels, where levels "
            "come from) and the trend count only the groups shown, never a hidden one."
        ),
        gettext(
            "Priority = mean gap x people below target x number of job roles that need the "
            "competency: large gaps, felt by many, in many roles, come first."
        ),
        gettext("A level is stale when its evidence is more than %(days)s days old.")
        % {"days": stale_after_days},
        gettext(
            "Shares are rounded to a whole percentage, except that a share above 0 is never "
            "written 0% (it is 'fewer than 1%') and a share below 100 never 100% ('more than "
            "99%')."
        ),
        gettext("Figures are recomputed when new evidence arrives, at most once a minute."),
    ]


@dataclass(frozen=True)
class Trend:
    points: list[tuple[str, float | None]]
    svg: str


def trend_of(points: list[tuple[str, float | None]], *, id_prefix: str = "trend") -> Trend | None:
    """The % meeting target by month (label, value; None where the group was too small), or
    None until there are two months to draw a line between."""
    if len(points) < 2:
        return None
    return Trend(points, _trend(tuple(points), id_prefix, get_language() or ""))


@lru_cache(maxsize=64)
def _trend(points: tuple[tuple[str, float | None], ...], id_prefix: str, language: str) -> str:
    # `language` is part of the key: the chart's words are the reader's.
    def draw() -> str:
        # Translators: a month of the trend chart without a figure (a group too small).
        no_figure = gettext("no figure")
        figures = "; ".join(f"{p}: {share_text(v) or no_figure}" for p, v in points)
        return charts.trend_svg(
            points=list(points),
            title=gettext("Share of people meeting their target level, by month"),
            description=gettext(
                "Line chart of the share of people assessed who meet their target level, one "
                "point per month: %(figures)s. The same figures are in the table that follows."
            )
            % {"figures": figures},
            id_prefix=id_prefix,
        )

    return _shared("trend", (points, id_prefix, language), draw)
