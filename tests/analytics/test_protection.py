"""Department reports, drill-downs and the DigComp view hide what the organisation's grid hides."""

import pandas as pd

from analytics.protection.differencing import department_report_protected
from analytics.reports.assembly import compute_report
from analytics.reports.crosswalk import crosswalk_compute
from analytics.reports.drilldown import distribution


def inputs(sizes: dict[str, int]) -> dict:
    """`sizes` people per department, all analysts needing X at 2; everyone's level is 1."""
    people = [(f"{code}{n}", code, "analyst") for code, size in sizes.items() for n in range(size)]
    return {
        "framework": {"pk": 1, "name": "Test", "slug": "test"},
        "people": pd.DataFrame(
            [(person, i, code, role) for i, (person, code, role) in enumerate(people)],
            columns=["person", "user", "department", "job_role"],
        ),
        "targets": pd.DataFrame(
            [("analyst", "X", None, 2)], columns=["job_role", "competency", "department", "target"]
        ),
        "proficiency": pd.DataFrame(
            [(person, "X", 1.0, "self-assessment", False) for person, _, _ in people],
            columns=["person", "competency", "level", "source", "stale"],
        ),
        "competencies": pd.DataFrame(
            [("X", "Competency X", "AR", "Area", 0)],
            columns=["competency", "title", "area", "area_title", "order"],
        ),
        "departments": {code: f"Department {code}" for code in sizes},
        "job_roles": {"analyst": "Analyst"},
    }


def test_department_hidden_to_protect_another_is_hidden_in_its_own_report():
    # B (3) is under 5; the organisation's total for X minus A and C would give B away, so the
    # smallest visible department, A (6), is hidden in the organisation's grid too.
    data = inputs({"A": 6, "B": 3, "C": 8})
    organisation = compute_report(data, None, 5, 1)
    assert list(organisation.grid["suppressed"]) == [True, True, False]

    own = compute_report(data, "A", 5, 1)
    assert not own.totals["suppressed"].any()  # on its own, A's report would show X

    protected = department_report_protected(own, organisation)

    assert protected.totals["suppressed"].all()
    assert protected.totals["people"].isna().all()
    assert protected.grid["suppressed"].all()
    assert protected.top_gaps.empty
    assert protected.coverage["suppressed_cells"] == 1


def test_department_report_is_unchanged_when_the_organisation_shows_it():
    data = inputs({"A": 6, "C": 8})
    own = compute_report(data, "A", 5, 1)

    assert department_report_protected(own, compute_report(data, None, 5, 1)) is own


def test_drill_down_follows_the_report_not_the_group_size():
    data = inputs({"A": 6})
    options = {"competency": "X", "level_names": {0: "Not yet", 1: "A", 2: "W"}, "threshold": 5}

    shown = distribution(data, visible=True, department="A", **options)
    hidden = distribution(data, visible=False, department="A", **options)

    assert shown.visible
    assert shown.levels == [(0, "Not yet", 0), (1, "A", 6), (2, "W", 0)]
    assert (shown.people, shown.meeting, shown.below, shown.total_gap) == (6, 0, 6, 6)
    assert hidden == distribution(data, visible=True, department="A", **{**options, "threshold": 7})
    assert not hidden.visible
    assert hidden.levels == []


def test_crosswalk_view_is_suppressed_like_the_primary_grid():
    data = inputs({"A": 6, "B": 3, "C": 8})
    crosswalk = pd.DataFrame({"competency": ["X"], "other": ["1.1"]})

    report = crosswalk_compute(data, crosswalk, 5, other="digcomp22")

    grid = report.grid.set_index("department")
    assert list(grid["suppressed"]) == [True, True, False]
    assert grid.loc["A"].isna()["people"]
    assert grid.loc["C", "people"] == 8
    # A (6 people) is hidden to protect B, so the total counts C alone: with 6 people a group
    # holds only 5 besides a viewer who may be one of them.
    assert report.totals.set_index("competency").loc["1.1", "people"] == 8
    assert report.links == {"1.1": ["X"]}
