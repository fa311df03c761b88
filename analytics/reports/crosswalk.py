"""The organisation's gaps seen through another framework (DigComp 2.2) via the crosswalk,
suppressed exactly as the primary report is."""

from dataclasses import dataclass

import pandas as pd
from django.conf import settings

from analytics.protection import suppression
from analytics.reports import frames, freshness, store_frames
from analytics.reports.selectors import competency_titles
from competencies.selectors import primary_framework

DIGCOMP = "digcomp22"
OTHER_FRAMEWORKS = {DIGCOMP: "DigComp 2.2"}


@dataclass
class CrosswalkReport:
    other: str  # the other framework's slug
    other_name: str
    threshold: int
    grid: pd.DataFrame  # department x other competency, suppressed
    totals: pd.DataFrame  # per other competency over every department, suppressed
    titles: dict  # other competency code -> title
    links: dict  # other competency code -> primary competency codes counted towards it


def crosswalk_report(other: str = DIGCOMP, *, force: bool = False) -> CrosswalkReport | None:
    """The department x DigComp competency grid, or None without a framework or crosswalk;
    cached as the reports are (analytics.reports.freshness)."""
    if other not in OTHER_FRAMEWORKS:
        return None
    version = store_frames.projection_version()

    def compute() -> CrosswalkReport | None:
        framework = primary_framework()
        inputs = store_frames.report_inputs(version)
        if framework is None or inputs is None:
            return None
        crosswalk = store_frames.crosswalk_frame(framework, other)
        threshold = settings.ANALYTICS_MIN_GROUP_SIZE
        report = crosswalk_compute(inputs, crosswalk, threshold, other=other)
        report.titles = competency_titles(other)
        return report

    return freshness.cached(f"analytics:crosswalk:{other}", version, compute, force=force)


def crosswalk_compute(
    inputs: dict, crosswalk: pd.DataFrame, threshold: int, *, other: str
) -> CrosswalkReport:
    """Pure: frames in, the suppressed crosswalk grid out (titles are filled in by the caller).

    Counted only over the department x competency groups the primary grid shows. A DigComp
    competence made of two of ours would otherwise carry a hidden group's figures beside a
    shown one's, and the difference would give the hidden group away; so a department's cell
    is hidden when any of its parts is, and the totals add up shown parts only."""
    smallest = suppression.smallest_shown(threshold)
    gaps = frames.learner_gaps(inputs["people"], inputs["targets"], inputs["proficiency"])
    if crosswalk.empty or gaps.empty:
        empty = pd.DataFrame(columns=["department", "competency", *frames.GROUP_METRICS])
        empty["suppressed"] = pd.Series(dtype=bool)
        return CrosswalkReport(other, OTHER_FRAMEWORKS[other], threshold, empty, empty, {}, {})
    cell = ["department", "competency"]
    primary = frames.group_summary(gaps, cell)
    primary = suppression.suppress(primary, smallest, totals_along=[["competency"]])
    hidden_parts = (
        primary.loc[primary["suppressed"], cell]
        .merge(crosswalk, on="competency")
        .drop(columns="competency")
        .rename(columns={"other": "competency"})
        .drop_duplicates()
        .assign(_part_hidden=True)
    )
    # The same person can reach one DigComp competency through several of ours; each
    # requirement counts, but `people` counts them once, so suppression is by people.
    grid = frames.crosswalk_summary(gaps, crosswalk, cell)
    grid = grid.merge(hidden_parts, on=cell, how="left")
    part_hidden = grid.pop("_part_hidden").notna()
    grid = suppression.suppress(
        grid, smallest, totals_along=[["competency"]], also_hidden=part_hidden
    )
    shown_gaps = gaps.merge(primary.loc[~primary["suppressed"], cell], on=cell, how="inner")
    totals = suppression.suppress(
        frames.crosswalk_summary(shown_gaps, crosswalk, ["competency"]), smallest
    )
    links = crosswalk.groupby("other")["competency"].apply(lambda c: sorted(set(c))).to_dict()
    return CrosswalkReport(
        other=other,
        other_name=OTHER_FRAMEWORKS[other],
        threshold=threshold,
        grid=grid,
        totals=totals,
        titles={},
        links=links,
    )
