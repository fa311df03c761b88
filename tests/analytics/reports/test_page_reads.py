"""The reads and shapes a report page asks for: a department's protected report, a lead's team,
the departments a person leads, courses for the worst gaps, a person's own report, and what a
drill-down shows of a report."""

import pandas as pd
import pytest

from analytics.reports import dashboard
from analytics.reports.assembly import compute_report, skill_gap_report
from analytics.reports.charts import HIDDEN, SHOWN
from analytics.reports.drilldown import breakdown, shown_in
from analytics.reports.selectors import (
    courses_for_report,
    department_report,
    led_departments_named,
    own_report,
    team_gaps,
)
from analytics.reports.store_frames import report_inputs
from competencies.selectors import primary_framework
from tests.analytics.scenario import THRESHOLD


def inputs(sizes: dict[str, int]) -> dict:
    """`sizes` analysts per department, all needing X at 2 and at level 1."""
    people = [(f"{code}{n}", code) for code, size in sizes.items() for n in range(size)]
    return {
        "framework": {"pk": 1, "name": "Test", "slug": "test"},
        "people": pd.DataFrame(
            [(person, i, code, "analyst") for i, (person, code) in enumerate(people)],
            columns=["person", "user", "department", "job_role"],
        ),
        "targets": pd.DataFrame(
            [("analyst", "X", None, 2)], columns=["job_role", "competency", "department", "target"]
        ),
        "proficiency": pd.DataFrame(
            [(person, "X", 1.0, "self-assessment", False) for person, _ in people],
            columns=["person", "competency", "level", "source", "stale"],
        ),
        "competencies": pd.DataFrame(
            [("X", "Competency X", "AR", "Area", 0)],
            columns=["competency", "title", "area", "area_title", "order"],
        ),
        "departments": {code: f"Department {code}" for code in sizes},
        "job_roles": {"analyst": "Analyst"},
    }


def test_a_drill_down_shows_what_the_report_shows():
    # B (3) is under 5, and A (6) is hidden with it so the total cannot give B away.
    data = inputs({"A": 6, "B": 3, "C": 8})
    organisation = compute_report(data, None, 5, 1)
    a = compute_report(data, "A", 5, 1)
    b = compute_report(data, "B", 5, 1)

    assert [shown_in(organisation, "X"), shown_in(organisation, "Y")] == [True, False]
    assert [shown_in(a, "X"), shown_in(a, "X", job_role="analyst")] == [True, True]
    assert [shown_in(b, "X"), shown_in(b, "X", job_role="analyst")] == [False, False]
    assert shown_in(a, "X", job_role="nobody") is False


def test_a_breakdown_is_the_competencys_row_of_the_grid_column_by_column():
    organisation = compute_report(inputs({"A": 6, "B": 3, "C": 8}), None, 5, 1)
    grid = dashboard.grid_of(
        organisation, cell_url=lambda column, competency: f"/{column}/{competency}/"
    )

    shown = [(column.code, cell.state, cell.url) for column, cell in breakdown(grid, "X")]

    assert shown == [("A", HIDDEN, "/A/X/"), ("B", HIDDEN, "/B/X/"), ("C", SHOWN, "/C/X/")]
    assert breakdown(grid, "Y") == []


@pytest.mark.django_db
def test_a_department_report_hides_what_the_organisations_grid_hides(shared_organisation, settings):
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD

    reports = {code: department_report(code) for code in ("CRS", "FIN", "TRN")}

    # DA.2 is needed by analysts only: FIN's 2 and TRN's 3 are hidden, CRS's 6 shown.
    assert {code: report.organisation_hidden for code, report in reports.items()} == {
        "CRS": frozenset(),
        "FIN": frozenset({"DA.2"}),
        "TRN": frozenset({"DA.2"}),
    }
    assert [shown_in(reports["FIN"], "DA.2"), shown_in(reports["CRS"], "DA.2")] == [False, True]


@pytest.mark.django_db
def test_no_department_report_before_a_framework_is_published():
    assert department_report("CRS") is None


@pytest.mark.django_db
def test_a_leads_team_has_each_direct_reports_levels_and_gaps(shared_organisation, settings):
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    organisation = shared_organisation

    team = team_gaps(organisation.managers["TRN"], report_inputs())

    rows = [
        (person.name, person.job_role, [(r.code, r.target, r.level, r.gap) for r in person.rows])
        for person in team
    ]
    officer, analyst = "Citizen service officer", "Data analyst"
    assert rows == [
        ("Person T1", officer, [("DA.1", 1, 1, 0), ("SP.1", 2, 1, 1)]),
        ("Person T2", officer, [("DA.1", 1, 0, 1), ("SP.1", 2, 2, 0)]),
        ("Person T3", officer, [("DA.1", 1, None, None), ("SP.1", 2, None, None)]),
        ("Person TA1", analyst, [("DA.1", 3, 2, 1), ("DA.2", 2, 2, 0), ("SP.1", 1, 1, 0)]),
        ("Person TA2", analyst, [("DA.1", 3, 3, 0), ("DA.2", 2, 0, 2), ("SP.1", 1, 1, 0)]),
        (
            "Person TA3",
            analyst,
            [("DA.1", 3, None, None), ("DA.2", 2, 1, 1), ("SP.1", 1, None, None)],
        ),
    ]
    assert [person.user_id for person in team] == [
        organisation.people[key].pk for key in ("t1", "t2", "t3", "ta1", "ta2", "ta3")
    ]


@pytest.mark.django_db
def test_the_departments_a_person_leads_come_with_their_names(shared_organisation):
    organisation = shared_organisation

    assert led_departments_named(organisation.managers["FIN"]) == [
        ("FIN", "Finance, Revenue and Procurement")
    ]
    assert led_departments_named(organisation.people["f1"]) == []


@pytest.mark.django_db
def test_courses_are_chosen_for_the_reports_worst_gaps(shared_organisation, course, settings):
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD

    found = courses_for_report(skill_gap_report())

    # Priorities: SP.1 6.0, DA.1 5.33, DA.2 3.89; the one live course builds DA.1 and SP.1.
    assert [(c.course.title, c.targets, round(c.score, 2)) for c in found] == [
        ("Data basics", [("DA.1", 2), ("SP.1", 1)], 11.33)
    ]


@pytest.mark.django_db
def test_a_persons_own_report_counts_only_what_their_job_role_needs(shared_organisation, settings):
    organisation = shared_organisation

    def summary(key: str) -> tuple:
        own = own_report(organisation.people[key], primary_framework())
        rows = [
            (area.code, [(r.competency.code, r.target, r.reported, r.gap) for r in rows])
            for area, rows in own.areas
        ]
        return rows, (own.needed, own.meeting, own.below, own.unknown)

    # t1 (an officer): DA.1 met at 1, SP.1 at 1 of 2; DA.2 is not needed by officers.
    assert summary("t1") == (
        [("DA", [("DA.1", 1, 1, 0), ("DA.2", None, None, None)]), ("SP", [("SP.1", 2, 1, 1)])],
        (2, 1, 1, 0),
    )
    # t3 has no evidence: both needed competencies are unknown, never 0.
    assert summary("t3") == (
        [
            ("DA", [("DA.1", 1, None, None), ("DA.2", None, None, None)]),
            ("SP", [("SP.1", 2, None, None)]),
        ],
        (2, 0, 0, 2),
    )
