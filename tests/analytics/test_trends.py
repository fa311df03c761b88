"""The vectorised proficiency rule agrees with the per-person rule; monthly snapshots."""

import random
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from analytics.models import GapSnapshot
from analytics.reports.frames import proficiency_from_evidence
from analytics.reports.trends import month_starts, snapshot_months, trend_series
from competencies.models import Competency
from competencies.proficiency import Evidence, Source, reported_level
from competencies.services import self_assessment_save
from tests.factories import make_person

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_vectorised_rule_matches_the_reference_rule_on_random_evidence():
    rng = random.Random(42)
    rows = []
    for person in range(60):
        for competency in ("A", "B", "C"):
            for _ in range(rng.randint(0, 5)):
                source = rng.choice(list(Source))
                level = None if source == Source.SELF and rng.random() < 0.2 else rng.randint(0, 4)
                rows.append(
                    (
                        person,
                        competency,
                        level,
                        source.value,
                        T0 + timedelta(hours=rng.randint(0, 2000)),
                    )
                )
    frame = pd.DataFrame(rows, columns=["person", "competency", "level", "source", "at"])
    frame["level"] = frame["level"].astype(float)

    vectorised = {
        (r.person, r.competency): (r.level, r.source)
        for r in proficiency_from_evidence(frame).itertuples()
    }

    for (person, competency), group in frame.groupby(["person", "competency"]):
        expected = reported_level(
            [
                Evidence(Source(r.source), None if pd.isna(r.level) else int(r.level), r.at)
                for r in group.itertuples()
            ]
        )
        level, source = vectorised[(person, competency)]
        assert (None if pd.isna(level) else int(level)) == expected.level
        assert source == (expected.source.value if expected.source else "")


def test_cutoff_ignores_later_evidence():
    frame = pd.DataFrame(
        [
            (1, "A", 1.0, "self-assessment", T0),
            (1, "A", 3.0, "knowledge check", T0 + timedelta(days=40)),
        ],
        columns=["person", "competency", "level", "source", "at"],
    )

    early = proficiency_from_evidence(frame, pd.Timestamp(T0 + timedelta(days=10)))

    assert early.iloc[0]["level"] == 1
    assert early.iloc[0]["source"] == "self-assessment"


@pytest.mark.django_db
def test_snapshots_feed_a_trend_and_small_groups_show_nothing(
    framework, requirements, department, job_role
):
    # 6 people: a group is shown when it holds 5 besides any one viewer.
    people = [make_person(department=department, job_role=job_role) for _ in range(6)]
    da1 = Competency.objects.get(code="DA.1")
    for person in people[:3]:
        self_assessment_save(user=person, answers={da1: 2})
    self_assessment_save(user=people[3], answers={da1: 1})

    written = snapshot_months(2)

    # Two months, one row for each of the department's three required competencies.
    assert written == 6
    this_month = GapSnapshot.objects.filter(competency="DA.1").order_by("-month").first()
    assert (this_month.known, this_month.meeting) == (4, 3)
    points = trend_series("CRS", threshold=5)
    # Last month nobody had answered; this month 3 of the 4 known DA.1 levels meet the target,
    # and 4 of the 18 requirements (6 people x 3 competencies) are known.
    assert [
        (point.month, point.pct_meeting, point.pct_known, point.people) for point in points
    ] == [
        (month, pct, known, 6)
        for month, pct, known in zip(
            month_starts(2), [None, 75.0], [0.0, 100 * 4 / 18], strict=True
        )
    ]
    assert trend_series("CRS", threshold=50)[-1].pct_meeting is None
