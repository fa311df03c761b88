"""The skill-gap report for the whole organisation or one department, computed from the
reporting store with the frame functions, suppressed, and cached (analytics.freshness)."""

import time
from dataclasses import dataclass, field

import pandas as pd
from django.conf import settings

from analytics import frames, freshness, selectors, trends


@dataclass
class Report:
    scope: str  # "" for the whole organisation, else a department code
    framework: dict
    threshold: int
    computed_at: float
    version: str
    people: int
    grid: pd.DataFrame  # department x competency (or job role x competency within a department)
    rows_label: str  # "department" or "job_role"
    totals: pd.DataFrame  # per competency over all rows
    areas: pd.DataFrame  # rows x area
    top_gaps: pd.DataFrame
    coverage: dict = field(default_factory=dict)
    competencies: pd.DataFrame = field(default_factory=pd.DataFrame)
    names: dict = field(default_factory=dict)
    trend: list = field(default_factory=list)  # analytics.trends.TrendPoint, month by month


def skill_gap_report(
    department: str | None = None, version: str | None = None, *, force: bool = False
) -> Report | None:
    """The cached report, recomputed when the evidence changed and the copy is a minute old
    (analytics.freshness); `force` recomputes it now. `version` is the evidence version when
    the caller already has it (a department's page reads the organisation's report too)."""
    version = version or selectors.projection_version()

    def compute() -> Report | None:
        inputs = selectors.report_inputs(version)
        if inputs is None:
            return None
        report = compute_report(inputs, department, settings.ANALYTICS_MIN_GROUP_SIZE, version)
        report.trend = trends.trend_series(department, settings.ANALYTICS_MIN_GROUP_SIZE)
        return report

    key = f"analytics:report:{department or '*'}"
    return freshness.cached(key, version, compute, force=force)


def compute_report(inputs: dict, department: str | None, threshold: int, version: str) -> Report:
    people = inputs["people"]
    if department:
        people = people[people["department"] == department]
    gaps = frames.learner_gaps(people, inputs["targets"], inputs["proficiency"])
    needing = frames.roles_needing(inputs["targets"])
    rows = "job_role" if department else "department"
    competencies = inputs["competencies"]
    gaps = gaps.merge(competencies[["competency", "area"]], on="competency", how="left")

    grid = frames.group_summary(gaps, [rows, "competency"], needing)
    grid = frames.suppress(grid, threshold, totals_along=[["competency"]])
    totals = frames.group_summary(gaps, ["competency"], needing)
    totals = frames.suppress(totals, threshold)
    areas = frames.group_summary(gaps, [rows, "area"])
    areas = frames.suppress(areas, threshold, totals_along=[["area"]])
    top = totals[~totals["suppressed"]].sort_values("priority", ascending=False).head(10)
    top = top.merge(competencies, on="competency", how="left")

    in_scope = gaps["person"].nunique() if not gaps.empty else 0
    with_evidence = gaps.loc[gaps["known"], "person"].nunique() if not gaps.empty else 0
    coverage = {
        "people_in_scope": int(in_scope),
        "people_with_evidence": int(with_evidence) if in_scope >= threshold else None,
        "pct_unknown": float(100 * (~gaps["known"]).mean()) if in_scope >= threshold else None,
        "pct_stale": float(100 * gaps["stale"].mean()) if in_scope >= threshold else None,
        "sources": (
            gaps.loc[gaps["known"], "source"].value_counts().to_dict()
            if in_scope >= threshold
            else {}
        ),
        "suppressed_cells": int(grid["suppressed"].sum()),
    }
    names = inputs["job_roles"] if department else inputs["departments"]
    return Report(
        scope=department or "",
        framework=inputs["framework"],
        threshold=threshold,
        computed_at=time.time(),
        version=version,
        people=int(in_scope),
        grid=grid,
        rows_label=rows,
        totals=totals,
        areas=areas,
        top_gaps=top,
        coverage=coverage,
        competencies=competencies,
        names=names,
    )
