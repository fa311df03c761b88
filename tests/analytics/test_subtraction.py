"""No subtraction between the organisation's and the departments' pages and exports gives a
hidden group's figures away.

ENV, as on the security test's page: 10 citizen service officers (one level confirmed by the
line manager), 7 planners, and 4 data analysts of whom 3 self-assessed every competency. The
analysts are hidden everywhere; the planners are hidden beside them in ENV's job-role grid.
CRS (9 officers, 8 analysts) is shown; TRN (3 officers) and LAB (4 planners) are small
departments, hidden together in the organisation's grid. DA.2 is needed by analysts only, so
ENV's 4 hide CRS's 8 there too, in the organisation's grid and on CRS's own page.

Every figure is read as a person would: pages, drill-downs and exports over HTTP.
"""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from analytics.reports.trends import snapshot_months
from competencies.models import Competency
from competencies.services import (
    manager_validation_record,
    role_requirements_load,
    self_assessment_save,
)
from tests.factories import DepartmentFactory, JobRoleFactory, make_person

THRESHOLD = 5
SMALLEST = THRESHOLD + 1
COUNTS = ("people", "known", "unknown", "meeting", "below")
COMPETENCIES = ("DA.1", "DA.2", "SP.1")
DEPARTMENTS = ("CRS", "ENV", "LAB", "TRN")
# The hidden group: ENV's data analysts, 3 of whom answered for every competency.
ENV_ANALYSTS = {
    "DA.1": {"people": 4, "known": 3, "from self-assessment": 3},
    "DA.2": {"people": 4, "known": 3, "from self-assessment": 3},
    "SP.1": {"people": 4, "known": 3, "from self-assessment": 3},
}


@pytest.fixture
def world(framework, settings):
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    roles = {
        "officer": JobRoleFactory(code="officer", name="Citizen service officer"),
        "planner": JobRoleFactory(code="planner", name="Planner"),
        "analyst": JobRoleFactory(code="analyst", name="Data analyst"),
    }
    role_requirements_load(
        {
            "framework": "mini",
            "profiles": {
                "officer": {"DA": 1, "SP": 2},
                "planner": {"DA": 1, "SP": 1},
                "analyst": {"DA": 3, "SP": 1},
            },
            "competency_overrides": {
                "officer": {"DA.2": 0},
                "planner": {"DA.2": 0},
                "analyst": {"DA.2": 2},
            },
        }
    )
    competencies = {c.code: c for c in Competency.objects.filter(framework__slug="mini")}
    leads = {}
    for code in DEPARTMENTS:
        department = DepartmentFactory(code=code, name=f"Department {code}")
        leads[code] = make_person(roles=[Role.LEARNER, Role.DEPARTMENT_LEAD], department=department)
    staff = {
        "CRS": [("officer", 9), ("analyst", 8)],
        "ENV": [("officer", 10), ("planner", 7), ("analyst", 4)],
        "TRN": [("officer", 3)],
        "LAB": [("planner", 4)],
    }
    for code, groups in staff.items():
        department = leads[code].membership.department
        for role, size in groups:
            for n in range(size):
                person = make_person(
                    department=department, job_role=roles[role], line_manager=leads[code]
                )
                if code == "ENV" and role == "analyst" and n == 3:
                    continue  # the fourth analyst has no evidence at all
                answers = {"DA.1": n % 4, "SP.1": (n + 1) % 4}
                if role == "analyst":
                    answers["DA.2"] = (n + 2) % 4
                self_assessment_save(
                    user=person, answers={competencies[c]: level for c, level in answers.items()}
                )
                if code == "ENV" and role == "officer" and n == 0:
                    manager_validation_record(
                        manager=leads[code],
                        learner=person,
                        competency=competencies["DA.1"],
                        level=2,
                    )
    snapshot_months(2)  # last month (nothing known yet) and this one
    return {"cto": make_person(roles=[Role.LEARNER, Role.CTO_OFFICE]), "leads": leads}


def figures(cell, sources=()) -> dict[str, int]:
    """A group's published counts, and its levels per source where a drill-down gives them."""
    found = {name: getattr(cell, name) or 0 for name in COUNTS}
    found.update({f"from {source}": count for source, count in sources})
    return found


def minus(whole: dict, parts: list[dict]) -> dict[str, int]:
    names = set(whole).union(*parts)
    return {name: whole.get(name, 0) - sum(p.get(name, 0) for p in parts) for name in names}


def grid_figures(grid) -> tuple[dict, dict]:
    """(column, competency) -> figures of each shown cell; competency -> the total's."""
    cells, totals = {}, {}
    for row in grid.rows:
        for column, cell in zip(grid.columns, row.cells, strict=True):
            if cell.state == "shown":
                cells[(column.code, row.code)] = figures(cell.figures)
        if row.total.state == "shown":
            totals[row.code] = figures(row.total.figures)
    return cells, totals


def drill_down(client, url: str) -> dict | None:
    distribution = client.get(url).context["distribution"]
    if not distribution.visible:
        return None
    return figures(distribution, distribution.sources)


def coverage_figures(coverage) -> dict:
    return {
        "people": coverage.people_in_scope,
        **{f"from {source}": count for source, count in coverage.sources},
    }


def read_everything(client, world) -> dict:
    """Every figure a CTO-office user can read, keyed by where it was read."""
    client.force_login(world["cto"])
    organisation = client.get(reverse("organisation_report")).context
    cells, totals = grid_figures(organisation["grid"])
    read = {
        "organisation": {
            "cells": cells,
            "totals": totals,
            "coverage": coverage_figures(organisation["coverage"]),
            "trend": organisation["trend"].points[-1][1],
            "drill": {
                c: drill_down(client, reverse("organisation_competency", args=[c]))
                for c in COMPETENCIES
            },
            "cell_drill": {
                key: drill_down(client, reverse("department_competency", args=key)) for key in cells
            },
            "csv": csv_figures(client.get(reverse("organisation_export", args=["csv"]))),
        },
        "departments": {},
    }
    for code in DEPARTMENTS:
        page = client.get(reverse("department_report", args=[code])).context
        cells, totals = grid_figures(page["grid"])
        base = reverse("department_competency", args=[code, "X"]).rsplit("X", 1)[0]
        read["departments"][code] = {
            "cells": cells,
            "totals": totals,
            "coverage": coverage_figures(page["coverage"]),
            "pct_unknown": page["coverage"].pct_unknown,
            "trend": page["trend"].points[-1][1] if page["trend"] else None,
            "total_drill": {c: drill_down(client, f"{base}{c}/") for c in COMPETENCIES},
            "cell_drill": {
                (role, c): drill_down(client, f"{base}{c}/?job_role={role}") for role, c in cells
            },
            "csv": csv_figures(client.get(reverse("department_export", args=[code, "csv"]))),
            "xlsx": xlsx_sources(client.get(reverse("department_export", args=[code, "xlsx"]))),
        }
    return read


def csv_figures(response) -> dict:
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    label = "job_role" if "job_role" in rows.fieldnames else "department"
    return {
        (r[label], r["competency"]): {name: int(r[name]) for name in COUNTS}
        for r in rows
        if r["suppressed"] == "no"
    }


def xlsx_sources(response) -> dict:
    summary = load_workbook(io.BytesIO(response.content))["Summary"]
    lines = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    lines = {name: value for name, value in lines.items() if isinstance(name, str)}
    found = {"people": lines["People in the groups shown"]}
    found.update(
        {
            "from " + name.removeprefix("Levels from "): count
            for name, count in lines.items()
            if name.startswith("Levels from ")
        }
    )
    return found


def assert_protected(remainder: dict, where: str) -> None:
    """What a subtraction leaves: nothing at all, or a group of at least SMALLEST people."""
    assert remainder["people"] == 0 or remainder["people"] >= SMALLEST, (where, remainder)
    if remainder["people"] == 0:
        assert set(remainder.values()) == {0}, (where, remainder)
    for competency, hidden in ENV_ANALYSTS.items():
        assert {k: remainder.get(k, 0) for k in hidden} != hidden, (where, competency)


@pytest.mark.django_db
def test_no_subtraction_between_the_pages_and_exports_gives_a_hidden_group_away(client, world):
    read = read_everything(client, world)
    organisation, departments = read["organisation"], read["departments"]

    # The exports hold the pages' figures, no more and no less.
    assert organisation["csv"] == {key: counts(f) for key, f in organisation["cells"].items()}
    for code, department in departments.items():
        assert department["csv"] == {key: counts(f) for key, f in department["cells"].items()}
        assert department["xlsx"] == department["coverage"], code
    # What is shown where, as the rule decides it.
    assert set(organisation["cells"]) == {
        ("CRS", "DA.1"),
        ("CRS", "SP.1"),
        ("ENV", "DA.1"),
        ("ENV", "SP.1"),
    }
    assert set(departments["ENV"]["cells"]) == {("officer", "DA.1"), ("officer", "SP.1")}
    assert set(departments["CRS"]["cells"]) == {
        ("officer", "DA.1"),
        ("officer", "SP.1"),
        ("analyst", "DA.1"),
        ("analyst", "SP.1"),
    }

    subtractions = 0
    # The organisation's total minus the departments it shows.
    for c, total in organisation["totals"].items():
        parts = [f for (d, comp), f in organisation["cells"].items() if comp == c]
        assert_protected(minus(total, parts), f"organisation {c} - departments")
        drilled = [f for (d, comp), f in organisation["cell_drill"].items() if comp == c]
        assert_protected(
            minus(organisation["drill"][c], drilled), f"organisation {c} drill-down - departments'"
        )
        subtractions += 2
    for code, department in departments.items():
        for c, total in department["totals"].items():
            rows = [f for (role, comp), f in department["cells"].items() if comp == c]
            # A department's total minus its job-role rows, on its page and in its drill-downs.
            assert_protected(minus(total, rows), f"{code} {c} - job roles")
            drilled = [f for (role, comp), f in department["cell_drill"].items() if comp == c]
            assert_protected(
                minus(department["total_drill"][c], drilled), f"{code} {c} drill-down - roles'"
            )
            # The organisation's cell for the department minus the department's job roles.
            if (code, c) in organisation["cells"]:
                assert organisation["cells"][(code, c)] == total
                assert_protected(
                    minus(organisation["cell_drill"][(code, c)], drilled), f"{code} {c} org - roles"
                )
            subtractions += 3
        # The coverage (people and where levels come from) minus the shown cells: nothing.
        row_people = {role: f["people"] for (role, _), f in department["cells"].items()}
        drilled = list(department["cell_drill"].values())
        shown = {"people": sum(row_people.values())} | sources_of(drilled)
        assert department["coverage"] == shown, code
        known = sum(f["known"] for f in department["cells"].values())
        unknown = sum(f["unknown"] for f in department["cells"].values())
        if known + unknown:
            assert department["pct_unknown"] == pytest.approx(100 * unknown / (known + unknown))
        else:
            assert department["pct_unknown"] is None
        subtractions += 1
    # The organisation's coverage minus the departments' coverage: nothing.
    assert organisation["coverage"] == add(d["coverage"] for d in departments.values())
    # The organisation's coverage minus its shown cells: what is left is, cell by cell, the
    # job-role groups that each shown department cell holds and the department hides.
    for (code, c), cell in organisation["cell_drill"].items():
        rows = [f for (role, comp), f in departments[code]["cell_drill"].items() if comp == c]
        assert_protected(minus(cell, rows), f"{code} {c} coverage - cells")
        subtractions += 1
    # 3 organisation totals x 2, CRS's and ENV's 2 shown totals x 3, 4 departments' coverage,
    # 4 shown organisation cells: every subtraction there is was tried.
    assert subtractions == 6 + 12 + 4 + 4

    # The trends count shown groups only: this month's point is the shown cells' share.
    shown_cells = organisation["cells"].values()
    assert organisation["trend"] == pytest.approx(share(shown_cells))
    env_cells = [f for (d, _), f in organisation["cells"].items() if d == "ENV"]
    assert departments["ENV"]["trend"] == pytest.approx(share(env_cells))
    assert departments["TRN"]["trend"] is None  # nothing of TRN is shown in any month


def counts(found: dict) -> dict:
    return {name: found[name] for name in COUNTS}


def sources_of(parts: list[dict]) -> dict:
    total: dict[str, int] = {}
    for part in parts:
        for name, count in part.items():
            if name.startswith("from "):
                total[name] = total.get(name, 0) + count
    return total


def add(coverages) -> dict:
    total: dict[str, int] = {}
    for coverage in coverages:
        for name, count in coverage.items():
            total[name] = total.get(name, 0) + count
    return total


def share(cells) -> float:
    cells = list(cells)
    return 100 * sum(c["meeting"] for c in cells) / sum(c["known"] for c in cells)


@pytest.mark.django_db
def test_the_coverage_panel_leaves_out_the_hidden_groups_sources(client, world):
    # The security test's page: ENV said "Manager validation 1, Self-assessment 8" while
    # its shown cells held fewer; now the panel holds exactly the shown officers' levels.
    client.force_login(world["leads"]["ENV"])

    page = client.get(reverse("department_report", args=["ENV"]))

    coverage = page.context["coverage"]
    # 10 officers x DA.1 and SP.1: each answered both; officer 0's DA.1 was confirmed.
    assert coverage.sources == [("manager validation", 1), ("self-assessment", 19)]
    assert (coverage.people_in_scope, coverage.people_with_evidence) == (10, 10)
    assert coverage.pct_unknown == 0
