"""Recompute every cached report ahead of its readers (manage.py refresh_reports)."""

import time
from dataclasses import dataclass

from analytics.reports import store_frames
from analytics.reports.assembly import skill_gap_report
from analytics.reports.crosswalk import OTHER_FRAMEWORKS, crosswalk_report


@dataclass
class Refreshed:
    version: str
    reports: int
    seconds: float


def refresh_reports() -> Refreshed | None:
    """The organisation's report, every department's, and each crosswalk view, computed from
    one read of the reporting store; None before a framework is published."""
    began = time.monotonic()
    version = store_frames.projection_version()
    if store_frames.report_inputs(version, force=True) is None:
        return None
    reports = 0
    for department in [None, *store_frames.departments()]:
        reports += skill_gap_report(department, version, force=True) is not None
    for other in OTHER_FRAMEWORKS:
        reports += crosswalk_report(other, force=True) is not None
    return Refreshed(version, reports, time.monotonic() - began)
