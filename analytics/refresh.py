"""Recompute every cached report ahead of its readers (manage.py refresh_reports)."""

import time
from dataclasses import dataclass

from analytics import selectors
from analytics.crosswalk import OTHER_FRAMEWORKS, crosswalk_report
from analytics.reports import skill_gap_report


@dataclass
class Refreshed:
    version: str
    reports: int
    seconds: float


def refresh_reports() -> Refreshed | None:
    """The organisation's report, every department's, and each crosswalk view, computed from
    one read of the reporting store; None before a framework is published."""
    began = time.monotonic()
    version = selectors.projection_version()
    if selectors.report_inputs(version, force=True) is None:
        return None
    reports = 0
    for department in [None, *selectors.departments()]:
        reports += skill_gap_report(department, version, force=True) is not None
    for other in OTHER_FRAMEWORKS:
        reports += crosswalk_report(other, force=True) is not None
    return Refreshed(version, reports, time.monotonic() - began)
