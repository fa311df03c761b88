"""The evidence behind one figure: how the levels of one group in one competency are spread,
where they come from and how old they are (pure: the report inputs in, plain data out)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from analytics.protection import suppression
from analytics.reports import frames
from analytics.reports.assembly import Report
from analytics.reports.dashboard import SOURCE_ORDER, Cell, Column, Grid


@dataclass(frozen=True)
class Distribution:
    visible: bool
    people: int | None = None
    known: int | None = None
    unknown: int | None = None
    meeting: int | None = None
    below: int | None = None
    stale: int | None = None
    total_gap: int | None = None
    levels: list[tuple[int, str, int]] = field(default_factory=list)  # (level, name, people)
    sources: list[tuple[str, int]] = field(default_factory=list)
    # (job role name, target levels): one level, or several where departments override it
    targets: list[tuple[str, list[int]]] = field(default_factory=list)

    @property
    def pct_meeting(self) -> float | None:
        return 100 * self.meeting / self.known if self.visible and self.known else None

    @property
    def pct_unknown(self) -> float | None:
        return 100 * self.unknown / self.people if self.visible and self.people else None

    @property
    def pct_stale(self) -> float | None:
        return 100 * self.stale / self.known if self.visible and self.known else None

    @property
    def mean_gap(self) -> float | None:
        return self.total_gap / self.known if self.visible and self.known else None


def distribution(
    inputs: dict,
    *,
    competency: str,
    level_names: dict[int, str],
    threshold: int,
    visible: bool,
    department: str | None = None,
    job_role: str | None = None,
    package_of: Mapping[int, str] | None = None,
) -> Distribution:
    """Levels 0-4 and unknown for everyone in scope who needs `competency`. `package_of`
    (person -> package title) names the course package a level from a passed package rests
    on, in place of "knowledge check", among the sources.

    `visible` is whether the report shows this group's figures: a group the report hides
    (small, or hidden to protect another) is hidden here too, whatever its size, or the
    drill-down would undo the report's protection.
    """
    people = inputs["people"]
    if department:
        people = people[people["department"] == department]
    if job_role:
        people = people[people["job_role"] == job_role]
    gaps = frames.learner_gaps(people, inputs["targets"], inputs["proficiency"])
    gaps = gaps[gaps["competency"] == competency]
    size = int(gaps["person"].nunique()) if not gaps.empty else 0
    if not visible or size < suppression.smallest_shown(threshold):
        return Distribution(visible=False)
    known = gaps[gaps["known"]]
    counts = known["level"].astype(int).value_counts()
    levels = [
        (number, name, int(counts.get(number, 0))) for number, name in sorted(level_names.items())
    ]
    package_of = package_of or {}
    sources = pd.Series(
        [
            f"course package “{package_of[person]}”" if person in package_of else source
            for person, source in zip(known["person"], known["source"], strict=True)
        ],
        dtype=object,
    ).value_counts()
    roles = inputs["job_roles"]
    targets = gaps.groupby("job_role")["target"].apply(lambda t: sorted({int(x) for x in t}))
    return Distribution(
        visible=True,
        people=size,
        known=len(known),
        unknown=int((~gaps["known"]).sum()),
        meeting=int(gaps["meets"].sum()),
        below=int((gaps["known"] & ~gaps["meets"]).sum()),
        stale=int(known["stale"].sum()),
        total_gap=int(known["gap"].sum()),
        levels=levels,
        sources=sorted(
            ((str(s), int(n)) for s, n in sources.items()),
            key=lambda item: SOURCE_ORDER.index(item[0]) if item[0] in SOURCE_ORDER else 99,
        ),
        targets=sorted((roles.get(code, code), levels) for code, levels in targets.items()),
    )


def shown_in(report: Report, competency: str, *, job_role: str | None = None) -> bool:
    """Whether `report` shows the figures of `competency`: in `job_role`'s row of a
    department's grid, or in the competency's total. A drill-down hides what the report hides."""
    if job_role is not None:
        grid = report.grid
        found = grid[(grid["job_role"] == job_role) & (grid["competency"] == competency)]
    else:
        found = report.totals[report.totals["competency"] == competency]
    return not found.empty and not bool(found.iloc[0]["suppressed"])


def breakdown(grid: Grid, competency: str) -> list[tuple[Column, Cell]]:
    """The competency's row of `grid`, each column with its cell; empty when no row shows it."""
    row = next((r for r in grid.rows if r.code == competency), None)
    return list(zip(grid.columns, row.cells, strict=True)) if row else []
