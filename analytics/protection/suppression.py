"""Small-group suppression: a group's figures are shown only when it holds enough people, and
enough other groups are hidden with it that no total minus the visible rows gives it away.

A group is shown only when it holds at least `threshold` people besides any one viewer, so a
member of the group cannot subtract themselves out: `smallest_shown` is that size.
"""

import numpy as np
import pandas as pd

# The figures of a group summary (analytics.reports.frames.group_summary): what hiding blanks.
GROUP_METRICS = [
    "people",
    "known",
    "unknown",
    "pct_unknown",
    "meeting",
    "pct_meeting",
    "below",
    "mean_gap",
    "priority",
]


def smallest_shown(threshold: int) -> int:
    """The fewest people a group needs to be shown: `threshold` others and the viewer, who may
    be one of them. Reports are shared between viewers, so this holds for every viewer."""
    return threshold + 1


def suppress(
    summary: pd.DataFrame,
    smallest: int,
    totals_along: list[list[str]] = (),
    *,
    also_hidden: pd.Series | None = None,
) -> pd.DataFrame:
    """Hide every figure of a group of fewer than `smallest` people (primary suppression),
    and of the rows in `also_hidden`, then protect against differencing (secondary
    suppression). Reports pass `smallest_shown(threshold)`.

    `totals_along` names the groupings over which a total is published from the same people:
    e.g. [["competency"]] when a row for all departments is shown per competency. Within each
    such grouping, the hidden rows must together hold at least `smallest` people, or the
    total minus the visible rows would reveal them; the smallest visible rows are hidden until
    that holds, along every grouping, until nothing changes.
    """
    result = summary.reset_index(drop=True)
    # Plain arrays: a national grid has thousands of groups, and pandas indexing per group
    # cost seconds.
    people = result["people"].to_numpy(dtype=float)
    hidden = people < smallest
    if also_hidden is not None:
        hidden |= also_hidden.to_numpy(dtype=bool)
    groupings = [
        list(result.groupby(list(within), dropna=False).indices.values()) for within in totals_along
    ]
    changed = True
    while changed:
        changed = False
        for groups in groupings:
            for index in groups:
                while True:
                    hidden_people = people[index][hidden[index]].sum()
                    visible = index[~hidden[index]]
                    if hidden_people == 0 or hidden_people >= smallest or not len(visible):
                        break
                    hidden[visible[np.argmin(people[visible])]] = True
                    changed = True
    return hide(result, pd.Series(hidden, index=result.index))


def hide(summary: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """The summary with every figure of the rows in `mask` blanked and marked suppressed."""
    result = summary.copy()
    metrics = [c for c in [*GROUP_METRICS, "stale"] if c in result]
    result[metrics] = result[metrics].astype(float)
    result.loc[mask, metrics] = np.nan
    previous = result["suppressed"].astype(bool) if "suppressed" in result else False
    result["suppressed"] = previous | mask
    return result
