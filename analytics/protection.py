"""Keeping a department's report consistent with the organisation's suppression.

Each report protects itself: the organisation's department x competency grid hides small groups
and, per competency, enough other departments that the hidden ones hold at least the threshold
(`frames.suppress` with totals along competency). A department's own report, computed
separately, does not know that the organisation's grid hid its cell only to protect another
department. If it showed that department's total (or job-role rows that add up to it), the
organisation's total minus the visible departments would reveal the small group again.

So wherever the organisation's grid hides a department's competency, that department's report
hides it too: its total, every job-role row and the top gap it would have been.
"""

from dataclasses import replace

import numpy as np
import pandas as pd

from analytics import frames
from analytics.reports import Report


def hidden_in_organisation(organisation: Report, department: str) -> set[str]:
    """Competencies whose figures for `department` the organisation's grid does not show."""
    grid = organisation.grid
    rows = grid[grid["department"] == department]
    return set(rows.loc[rows["suppressed"].astype(bool), "competency"])


def department_report_protected(report: Report, organisation: Report) -> Report:
    """The department's report with every figure hidden that the organisation's grid hides."""
    hidden = hidden_in_organisation(organisation, report.scope)
    if not hidden:
        return report
    return replace(
        report,
        grid=_hide(report.grid, report.grid["competency"].isin(hidden)),
        totals=_hide(report.totals, report.totals["competency"].isin(hidden)),
        top_gaps=report.top_gaps[~report.top_gaps["competency"].isin(hidden)].reset_index(
            drop=True
        ),
        coverage={
            **report.coverage,
            "suppressed_cells": int(
                (
                    report.grid["suppressed"].astype(bool) | report.grid["competency"].isin(hidden)
                ).sum()
            ),
        },
    )


def _hide(summary: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    result = summary.copy()
    metrics = [c for c in [*frames.GROUP_METRICS, "stale"] if c in result]
    result[metrics] = result[metrics].astype(float)
    result.loc[mask, metrics] = np.nan
    result["suppressed"] = result["suppressed"].astype(bool) | mask
    return result
