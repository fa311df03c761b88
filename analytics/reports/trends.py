"""Monthly snapshots of the skill gaps, and the trend series the dashboards draw from them."""

from dataclasses import dataclass
from datetime import date, datetime, time

import pandas as pd
from django.db import transaction
from django.utils import timezone

from analytics.models import Evidence, GapSnapshot
from analytics.protection import suppression
from analytics.reports import frames, store_frames
from competencies.models import Framework


def evidence_frame(framework: Framework) -> pd.DataFrame:
    rows = Evidence.objects.filter(competency__framework=framework).values_list(
        "learner_id", "competency__code", "level", "source", "occurred_at"
    )
    frame = pd.DataFrame(list(rows), columns=["person", "competency", "level", "source", "at"])
    frame["level"] = frame["level"].astype(float)
    return frame


def month_starts(months: int, today: date | None = None) -> list[date]:
    today = today or timezone.now().date()
    starts, year, month = [], today.year, today.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(starts)


def _month_end(start: date) -> datetime:
    following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return timezone.make_aware(datetime.combine(following, time.min))


@transaction.atomic
def snapshot_months(months: int = 1) -> int:
    """Record (or refresh) the snapshots of the last `months` months, the current one
    included; returns how many rows were written."""
    inputs = store_frames.report_inputs()
    if inputs is None:
        return 0
    framework = Framework.objects.get(pk=inputs["framework"]["pk"])
    evidence = evidence_frame(framework)
    written = 0
    for start in month_starts(months):
        cutoff = min(_month_end(start), timezone.now())
        proficiency = frames.proficiency_from_evidence(evidence, pd.Timestamp(cutoff))
        proficiency["stale"] = False
        gaps = frames.learner_gaps(inputs["people"], inputs["targets"], proficiency)
        summary = frames.group_summary(gaps, ["department", "competency"])
        gap_totals = gaps.groupby(["department", "competency"])["gap"].sum()
        GapSnapshot.objects.filter(month=start).delete()
        rows = [
            GapSnapshot(
                month=start,
                department=row.department,
                competency=row.competency,
                people=int(row.people),
                known=int(row.known),
                meeting=int(row.meeting),
                below=int(row.below),
                gap_total=float(gap_totals.get((row.department, row.competency), 0.0)),
            )
            for row in summary.itertuples()
        ]
        GapSnapshot.objects.bulk_create(rows, batch_size=5000)
        written += len(rows)
    return written


@dataclass(frozen=True)
class TrendPoint:
    month: date
    pct_meeting: float | None
    pct_known: float | None
    people: int


def trend_series(department: str | None, threshold: int) -> list[TrendPoint]:
    """% of known requirements met, month by month, for the organisation or one department.

    Each month's department x competency groups are suppressed as the organisation's grid is
    (small groups, and enough others that the hidden ones cannot be worked out), and only the
    groups left visible count: a department's trend is over the competencies its own page
    shows, the organisation's over the departments' visible cells, so neither trend moves
    with a hidden group. A month with nothing visible shows no figures."""
    smallest = suppression.smallest_shown(threshold)
    columns = ["month", "department", "competency", "people", "known", "meeting"]
    frame = pd.DataFrame(list(GapSnapshot.objects.values_list(*columns)), columns=columns)
    if frame.empty:
        return []
    points = []
    for month, group in frame.groupby("month"):
        group = group.reset_index(drop=True)
        shown = ~suppression.suppress(group, smallest, totals_along=[["competency"]])["suppressed"]
        if department:
            shown &= group["department"] == department
        visible = group[shown]
        people = int(visible.groupby("department")["people"].max().sum())
        requirements = int(visible["people"].sum())
        known, meeting = int(visible["known"].sum()), int(visible["meeting"].sum())
        if people < smallest or not requirements:
            points.append(TrendPoint(month, None, None, people))
            continue
        points.append(
            TrendPoint(
                month,
                100 * meeting / known if known else None,
                100 * known / requirements,
                people,
            )
        )
    return points
