"""Keeping a department's report consistent with the organisation's suppression.

Each report protects itself: the organisation's department x competency grid hides small groups
and, per competency, enough other departments that the hidden ones hold enough people together
(`suppression.suppress` with totals along competency). A department's own report does not know by
itself that the organisation's grid hid its cell only to protect another department. If it
showed that department's total (or job-role rows that add up to it), the organisation's total
minus the visible departments would reveal the small group again.

So wherever the organisation's grid hides a department's competency, that department's report
hides it too: its total, every job-role row and the top gap it would have been. The report is
computed that way (analytics.reports.assembly.skill_gap_report); `department_report_protected`
checks it again against the organisation's report a page is shown beside, which another
process may have recomputed since.
"""

from dataclasses import replace
from typing import Protocol, TypeVar

import pandas as pd

from analytics.protection.suppression import hide


class SuppressedReport(Protocol):
    """What protection reads of a report (analytics.reports.assembly.Report, a dataclass)."""

    scope: str
    grid: pd.DataFrame
    totals: pd.DataFrame
    top_gaps: pd.DataFrame
    organisation_hidden: frozenset


AnyReport = TypeVar("AnyReport", bound=SuppressedReport)

# The coverage of a report that had to hide more after it was computed: its figures counted
# cells now hidden, so they are withheld until the report is recomputed.
WITHHELD = {
    "people_in_scope": 0,
    "people_with_evidence": None,
    "pct_unknown": None,
    "pct_stale": None,
    "sources": {},
    "targets": None,
    "unknown": None,
    "stale": None,
}


def hidden_in_organisation(organisation_grid: pd.DataFrame, department: str) -> frozenset:
    """Competencies whose figures for `department` the organisation's grid does not show."""
    rows = organisation_grid[organisation_grid["department"] == department]
    return frozenset(rows.loc[rows["suppressed"].astype(bool), "competency"])


def department_report_protected(report: AnyReport, organisation: SuppressedReport) -> AnyReport:
    """The department's report with every figure hidden that the organisation's grid hides."""
    hidden = hidden_in_organisation(organisation.grid, report.scope) - report.organisation_hidden
    if not hidden:
        return report
    grid = hide(report.grid, report.grid["competency"].isin(hidden))
    return replace(
        report,
        grid=grid,
        totals=hide(report.totals, report.totals["competency"].isin(hidden)),
        top_gaps=report.top_gaps[~report.top_gaps["competency"].isin(hidden)].reset_index(
            drop=True
        ),
        coverage={**WITHHELD, "suppressed_cells": int(grid["suppressed"].sum())},
        people=0,
        organisation_hidden=report.organisation_hidden | hidden,
    )
