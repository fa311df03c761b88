"""Every gap rule on small inline frames, with the expected figures worked out by hand."""

import math

import pandas as pd
import pytest

from analytics.protection.suppression import suppress
from analytics.reports.frames import (
    crosswalk_summary,
    group_summary,
    learner_gaps,
    resolve_targets,
    roles_needing,
)

PEOPLE = pd.DataFrame(
    [
        ("ana", "CRS", "officer"),
        ("ben", "CRS", "officer"),
        ("cai", "CRS", "analyst"),
        ("dee", "FIN", "officer"),
    ],
    columns=["person", "department", "job_role"],
)
TARGETS = pd.DataFrame(
    [
        ("officer", "DA.1", None, 2),
        ("officer", "SP.1", None, 1),
        ("analyst", "DA.1", None, 3),
        ("officer", "SP.1", "FIN", 3),  # FIN's officers need more security
        ("analyst", "PP.1", None, 0),  # a zero target is no requirement
    ],
    columns=["job_role", "competency", "department", "target"],
)


def proficiency(rows):
    return pd.DataFrame(rows, columns=["person", "competency", "level", "source", "stale"])


def test_department_override_replaces_the_role_target_only_there():
    resolved = resolve_targets(PEOPLE, TARGETS)

    targets = {(r.person, r.competency): r.target for r in resolved.itertuples()}
    assert targets == {
        ("ana", "DA.1"): 2,
        ("ana", "SP.1"): 1,
        ("ben", "DA.1"): 2,
        ("ben", "SP.1"): 1,
        ("cai", "DA.1"): 3,
        ("dee", "DA.1"): 2,
        ("dee", "SP.1"): 3,
    }


def test_unknown_is_never_counted_as_zero():
    gaps = learner_gaps(
        PEOPLE,
        TARGETS,
        proficiency(
            [
                ("ana", "DA.1", 0, "self-assessment", False),  # a real zero
                ("cai", "DA.1", 3, "knowledge check", False),
            ]
        ),
    )

    by = {(r.person, r.competency): r for r in gaps.itertuples()}
    assert by[("ana", "DA.1")].gap == 2
    assert by[("ana", "DA.1")].known
    assert math.isnan(by[("ben", "DA.1")].gap)
    assert not by[("ben", "DA.1")].known
    assert by[("cai", "DA.1")].meets


def test_group_summary_by_department_and_competency():
    gaps = learner_gaps(
        PEOPLE,
        TARGETS,
        proficiency(
            [
                ("ana", "DA.1", 1, "self-assessment", False),
                ("ben", "DA.1", 2, "knowledge check", True),
                ("cai", "DA.1", None, None, False),
            ]
        ),
    )

    summary = group_summary(gaps, ["department", "competency"]).set_index(
        ["department", "competency"]
    )

    crs = summary.loc[("CRS", "DA.1")]
    # ana 1 of 2 (gap 1), ben 2 of 2 (meets), cai unknown of 3.
    assert (crs.people, crs.known, crs.unknown, crs.meeting, crs.below) == (3, 2, 1, 1, 1)
    assert crs.pct_meeting == 50
    assert crs.pct_unknown == pytest.approx(100 / 3)
    assert crs.mean_gap == 0.5
    assert crs.stale == 1
    fin = summary.loc[("FIN", "SP.1")]
    assert (fin.people, fin.known, fin.unknown) == (1, 0, 1)
    assert math.isnan(fin.pct_meeting)
    assert math.isnan(fin.mean_gap)


def test_priority_is_gap_times_people_below_times_roles_needing():
    gaps = learner_gaps(
        PEOPLE,
        TARGETS,
        proficiency(
            [
                ("ana", "DA.1", 0, "self-assessment", False),
                ("ben", "DA.1", 1, "self-assessment", False),
                ("cai", "DA.1", 1, "self-assessment", False),
            ]
        ),
    )

    summary = group_summary(gaps, ["competency"], roles_needing(TARGETS)).set_index("competency")

    # DA.1: gaps 2, 1, 2 -> mean 5/3; three below; needed by 2 roles.
    assert summary.loc["DA.1", "priority"] == pytest.approx(5 / 3 * 3 * 2)
    assert summary.loc["SP.1", "priority"] == 0


def test_small_groups_are_suppressed():
    summary = pd.DataFrame(
        {
            "department": ["A", "B"],
            "people": [5, 4],
            "meeting": [3, 1],
            "known": [5, 4],
            "unknown": [0, 0],
            "pct_meeting": [60.0, 25.0],
        }
    )

    shown = suppress(summary, smallest=5).set_index("department")

    assert shown.loc["A", "meeting"] == 3
    assert shown.loc["B", "suppressed"]
    assert math.isnan(shown.loc["B", "meeting"])
    assert math.isnan(shown.loc["B", "people"])


def test_differencing_cannot_reveal_a_suppressed_group():
    # For one competency, a total over all departments is published. B alone is under 5:
    # total minus A and C would give B away, so the next smallest (C) is hidden too.
    summary = pd.DataFrame(
        {
            "competency": ["DA.1"] * 3,
            "department": ["A", "B", "C"],
            "people": [40, 3, 6],
            "meeting": [20, 1, 3],
        }
    )

    shown = suppress(summary, smallest=5, totals_along=[["competency"]]).set_index("department")

    assert list(shown["suppressed"]) == [False, True, True]
    hidden_people = summary.set_index("department").loc[["B", "C"], "people"].sum()
    assert hidden_people >= 5


def test_secondary_suppression_keeps_going_until_the_hidden_group_is_large_enough():
    summary = pd.DataFrame(
        {
            "competency": ["X"] * 4,
            "department": ["A", "B", "C", "D"],
            "people": [50, 1, 2, 3],
            "meeting": [10, 1, 1, 1],
        }
    )

    shown = suppress(summary, smallest=5, totals_along=[["competency"]])

    # B, C and D are all under 5; together they hold 6, so A stays visible.
    assert list(shown["suppressed"]) == [False, True, True, True]


def test_no_secondary_suppression_when_nothing_is_hidden():
    summary = pd.DataFrame(
        {"competency": ["X", "X"], "department": ["A", "B"], "people": [10, 5], "meeting": [1, 2]}
    )

    assert not suppress(summary, 5, [["competency"]])["suppressed"].any()


def test_crosswalk_view_counts_each_requirement_towards_linked_competencies():
    gaps = learner_gaps(
        PEOPLE, TARGETS, proficiency([("ana", "DA.1", 2, "self-assessment", False)])
    )
    crosswalk = pd.DataFrame(
        {"competency": ["DA.1", "DA.1", "SP.1"], "other": ["1.2", "1.3", "4.1"]}
    )

    summary = crosswalk_summary(gaps, crosswalk, ["other" if False else "competency"]).set_index(
        "competency"
    )

    assert summary.loc["1.2", "people"] == 4
    assert summary.loc["1.2", "meeting"] == 1
    assert summary.loc["4.1", "people"] == 3
