"""The organisation's gaps seen through another framework (DigComp 2.2) via the crosswalk,
suppressed exactly as the primary report is."""

from dataclasses import dataclass

import pandas as pd
from django.conf import settings

from analytics import frames, freshness, selectors
from analytics.page_selectors import competency_titles
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
    cached as the reports are (analytics.freshness)."""
    if other not in OTHER_FRAMEWORKS:
        return None
    version = selectors.projection_version()

    def compute() -> CrosswalkReport | None:
        framework = primary_framework()
        inputs = selectors.report_inputs(version)
        if framework is None or inputs is None:
            return None
        crosswalk = selectors.crosswalk_frame(framework, other)
        threshold = settings.ANALYTICS_MIN_GROUP_SIZE
        report = crosswalk_compute(inputs, crosswalk, threshold, other=other)
        report.titles = competency_titles(other)
        return report

    return freshness.cached(f"analytics:crosswalk:{other}", version, compute, force=force)


def crosswalk_compute(
    inputs: dict, crosswalk: pd.DataFrame, threshold: int, *, other: str
) -> CrosswalkReport:
    """Pure: frames in, the suppressed crosswalk grid out (titles are filled in by the caller)."""
    gaps = frames.learner_gaps(inputs["people"], inputs["targets"], inputs["proficiency"])
    if crosswalk.empty or gaps.empty:
        empty = pd.DataFrame(columns=["department", "competency", *frames.GROUP_METRICS])
        empty["suppressed"] = pd.Series(dtype=bool)
        return CrosswalkReport(other, OTHER_FRAMEWORKS[other], threshold, empty, empty, {}, {})
    # The same person can reach one DigComp competency through several of ours; each
    # requirement counts, but `people` counts them once, so suppression is by people.
    grid = frames.crosswalk_summary(gaps, crosswalk, ["department", "competency"])
    grid = frames.suppress(grid, threshold, totals_along=[["competency"]])
    totals = frames.suppress(frames.crosswalk_summary(gaps, crosswalk, ["competency"]), threshold)
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
