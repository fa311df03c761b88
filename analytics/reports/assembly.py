"""The skill-gap report for the whole organisation or one department, computed from the
reporting store with the frame functions, suppressed, and cached (analytics.reports.freshness)."""

import time
from dataclasses import dataclass, field, replace

import pandas as pd
from django.conf import settings

from analytics.protection import suppression
from analytics.protection.differencing import hidden_in_organisation
from analytics.reports import frames, freshness, store_frames, trends


@dataclass
class Report:
    scope: str  # "" for the whole organisation, else a department code
    framework: dict
    threshold: int  # ANALYTICS_MIN_GROUP_SIZE: people a shown group holds besides the viewer
    computed_at: float
    version: str
    people: int
    grid: pd.DataFrame  # department x competency (or job role x competency within a department)
    rows_label: str  # "department" or "job_role"
    totals: pd.DataFrame  # per competency over all rows
    top_gaps: pd.DataFrame
    coverage: dict = field(default_factory=dict)
    competencies: pd.DataFrame = field(default_factory=pd.DataFrame)
    names: dict = field(default_factory=dict)
    trend: list = field(default_factory=list)  # analytics.reports.trends.TrendPoint, month by month
    # A department's competencies hidden because the organisation's grid hides them there.
    organisation_hidden: frozenset = frozenset()

    @property
    def smallest_shown(self) -> int:
        return suppression.smallest_shown(self.threshold)


@dataclass(frozen=True)
class FrameworkLabels:
    """The framework's words in the reader's language, by code (see
    analytics.reports.selectors.framework_labels); `name` None when none was found."""

    name: str | None = None
    titles: dict = field(default_factory=dict)  # competency code -> title
    areas: dict = field(default_factory=dict)  # area code -> title


def _framework_in(framework: dict, labels: FrameworkLabels) -> dict:
    return {**framework, "name": labels.name} if labels.name else framework


def _titled(frame: pd.DataFrame, labels: FrameworkLabels) -> pd.DataFrame:
    """A copy of `frame` whose competency and area titles are the reader's (codes unchanged;
    a code with no label keeps the text it had)."""
    if frame.empty or "competency" not in frame:
        return frame
    frame = frame.copy()
    if "title" in frame:
        frame["title"] = [
            labels.titles.get(code, title)
            for code, title in zip(frame["competency"], frame["title"], strict=True)
        ]
    if "area_title" in frame and "area" in frame:
        frame["area_title"] = [
            labels.areas.get(code, title)
            for code, title in zip(frame["area"], frame["area_title"], strict=True)
        ]
    return frame


def report_in_language(report: Report, labels: FrameworkLabels) -> Report:
    """The cached report as its reader reads it: the same figures, the framework's name and its
    competencies' titles in the reader's language. The cached report is left as it is."""
    return replace(
        report,
        framework=_framework_in(report.framework, labels),
        competencies=_titled(report.competencies, labels),
        top_gaps=_titled(report.top_gaps, labels),
    )


def inputs_in_language(inputs: dict, labels: FrameworkLabels) -> dict:
    """The cached report inputs with the reader's titles (a copy; the frames of people are
    shared, not copied)."""
    return {
        **inputs,
        "framework": _framework_in(inputs["framework"], labels),
        "competencies": _titled(inputs["competencies"], labels),
    }


def skill_gap_report(
    department: str | None = None, version: str | None = None, *, force: bool = False
) -> Report | None:
    """The cached report, recomputed when the evidence changed and the copy is a minute old
    (analytics.reports.freshness); `force` recomputes it now. `version` is the evidence version when
    the caller already has it (a department's page reads the organisation's report too).

    A department's report is computed with whatever the organisation's grid hides about it
    already hidden (see analytics/protection/differencing.py), so its coverage counts only
    what it shows."""
    version = version or store_frames.projection_version()

    def compute() -> Report | None:
        inputs = store_frames.report_inputs(version)
        if inputs is None:
            return None
        hidden: frozenset = frozenset()
        if department:
            organisation = skill_gap_report(version=version)
            if organisation is None:
                return None
            hidden = hidden_in_organisation(organisation.grid, department)
        threshold = settings.ANALYTICS_MIN_GROUP_SIZE
        report = compute_report(inputs, department, threshold, version, hidden)
        report.trend = trends.trend_series(department, threshold)
        return report

    key = f"analytics:report:{department or '*'}"
    return freshness.cached(key, version, compute, force=force)


def compute_report(
    inputs: dict,
    department: str | None,
    threshold: int,
    version: str,
    organisation_hidden: frozenset = frozenset(),
) -> Report:
    """Pure: the report inputs in, the suppressed report out. `organisation_hidden` are the
    competencies the organisation's grid hides for `department`: hidden here too."""
    smallest = suppression.smallest_shown(threshold)
    people = inputs["people"]
    if department:
        people = people[people["department"] == department]
    gaps = frames.learner_gaps(people, inputs["targets"], inputs["proficiency"])
    needing = frames.roles_needing(inputs["targets"])
    rows = "job_role" if department else "department"
    competencies = inputs["competencies"]

    grid = frames.group_summary(gaps, [rows, "competency"], needing)
    grid = suppression.suppress(grid, smallest, totals_along=[["competency"]])
    totals = frames.group_summary(gaps, ["competency"], needing)
    totals = suppression.suppress(totals, smallest)
    if organisation_hidden:
        grid = suppression.hide(grid, grid["competency"].isin(organisation_hidden))
        totals = suppression.hide(totals, totals["competency"].isin(organisation_hidden))
    top = totals[~totals["suppressed"]].sort_values("priority", ascending=False).head(10)
    top = top.merge(competencies, on="competency", how="left")

    if department:
        shown = grid.loc[~grid["suppressed"], ["job_role", "competency"]]
    else:
        shown = shown_in_departments(gaps, grid, smallest)
    coverage = frames.coverage(gaps.merge(shown, on=list(shown.columns), how="inner"))
    coverage["suppressed_cells"] = int(grid["suppressed"].sum())
    names = inputs["job_roles"] if department else inputs["departments"]
    return Report(
        scope=department or "",
        framework=inputs["framework"],
        threshold=threshold,
        computed_at=time.time(),
        version=version,
        people=coverage["people_in_scope"],
        grid=grid,
        rows_label=rows,
        totals=totals,
        top_gaps=top,
        coverage=coverage,
        competencies=competencies,
        names=names,
        organisation_hidden=frozenset(organisation_hidden),
    )


def shown_in_departments(
    gaps: pd.DataFrame, organisation_grid: pd.DataFrame, smallest: int
) -> pd.DataFrame:
    """The (department, job role, competency) groups every department's own report shows:
    suppressed as each department's grid is, less what the organisation's grid hides.

    The organisation's coverage is counted over these, so it is the sum of the departments'
    coverage and nothing in it comes from a group some page hides."""
    keys = ["department", "job_role", "competency"]
    if gaps.empty:
        return pd.DataFrame(columns=keys)
    cells = frames.group_summary(gaps, keys)
    cells = suppression.suppress(cells, smallest, totals_along=[["department", "competency"]])
    hidden = organisation_grid.loc[
        organisation_grid["suppressed"].astype(bool), ["department", "competency"]
    ]
    marked = cells.merge(hidden.assign(_hidden=True), on=["department", "competency"], how="left")
    visible = ~marked["suppressed"].astype(bool) & marked["_hidden"].isna()
    return marked.loc[visible, keys].reset_index(drop=True)
