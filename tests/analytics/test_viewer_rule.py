"""A hidden group cannot be read by joining it: a figure is shown to a viewer only when its
group holds ANALYTICS_MIN_GROUP_SIZE people besides them (the security test, replayed).

The CTO department has 9 citizen service officers, 7 planners and 4 data analysts. Someone in
the CTO office, one of the officers, asks to become a data analyst; an administrator approves;
they answer "I don't know" to every competency so the reports are recomputed. The analysts
are now 5, one of them the viewer, whose own answers are all unknown: every figure of that
group would be the other 4's.
"""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from analytics.reports.refresh import refresh_reports
from competencies.models import Competency
from competencies.services import role_requirements_load, self_assessment_save
from organisations.models import MembershipRequest
from organisations.services import membership_request_decide
from tests.factories import DepartmentFactory, JobRoleFactory, make_person

ANALYST_LEVELS = [  # DA.1, DA.2, SP.1 of the 4 analysts already there
    {"DA.1": 1, "DA.2": 0, "SP.1": 2},
    {"DA.1": 2, "DA.2": 1, "SP.1": 0},
    {"DA.1": 3, "DA.2": 2, "SP.1": 1},
    {"DA.1": 4, "DA.2": 2, "SP.1": 1},
]


@pytest.fixture
def cto(framework, settings):
    settings.ANALYTICS_MIN_GROUP_SIZE = 5  # as deployed, and as in the security test
    roles = {
        "officer": JobRoleFactory(code="citizen-service-officer", name="Citizen service officer"),
        "planner": JobRoleFactory(code="planner", name="Planner"),
        "analyst": JobRoleFactory(code="data-analyst", name="Data analyst"),
    }
    role_requirements_load(
        {
            "framework": "mini",
            "profiles": {
                "citizen-service-officer": {"DA": 1, "SP": 2},
                "planner": {"DA": 1, "SP": 1},
                "data-analyst": {"DA": 3, "SP": 1},
            },
            "competency_overrides": {
                "citizen-service-officer": {"DA.2": 0},
                "planner": {"DA.2": 0},
                "data-analyst": {"DA.2": 2},
            },
        }
    )
    department = DepartmentFactory(code="CTO", name="Chief Technology Office")
    competencies = {c.code: c for c in Competency.objects.filter(framework__slug="mini")}

    def person(role: str, answers: dict):
        someone = make_person(department=department, job_role=roles[role])
        self_assessment_save(
            user=someone, answers={competencies[c]: level for c, level in answers.items()}
        )
        return someone

    for n in range(8):
        person("officer", {"DA.1": n % 3, "SP.1": (n + 1) % 4})
    for n in range(7):
        person("planner", {"DA.1": n % 2, "SP.1": n % 3})
    for levels in ANALYST_LEVELS:
        person("analyst", levels)
    office = make_person(
        roles=[Role.LEARNER, Role.CTO_OFFICE], department=department, job_role=roles["officer"]
    )
    return {
        "department": department,
        "roles": roles,
        "office": office,
        "competencies": competencies,
        "person": person,
    }


def become_analyst_with_approval(client, cto, administrator) -> None:
    """The office asks on their profile; an administrator approves; they self-assess."""
    office = cto["office"]
    client.force_login(office)
    response = client.post(
        reverse("profile"),
        {
            "first_name": office.first_name,
            "last_name": office.last_name,
            "department": cto["department"].pk,
            "job_role": cto["roles"]["analyst"].pk,
            "reason": "Moved to the data team.",
        },
    )
    assert response.status_code == 302
    request = MembershipRequest.objects.get(user=office, status=MembershipRequest.Status.PENDING)
    membership_request_decide(request=request, decider=administrator, approve=True)
    office.membership.refresh_from_db()
    assert office.membership.job_role == cto["roles"]["analyst"]
    self_assessment_save(user=office, answers=dict.fromkeys(cto["competencies"].values()))
    refresh_reports()  # a minute later, as the security test waited


def csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


FIGURES = ["people", "known", "unknown", "pct_unknown", "meeting", "pct_meeting", "below"]


@pytest.mark.django_db
def test_joining_a_hidden_group_does_not_reveal_it_in_the_department_csv(
    client, cto, administrator
):
    become_analyst_with_approval(client, cto, administrator)

    rows = csv_rows(client.get(reverse("department_export", args=["CTO", "csv"])).content)

    analysts = [r for r in rows if r["job_role"] == "data-analyst"]
    assert [r["competency"] for r in analysts] == ["DA.1", "DA.2", "SP.1"]
    assert all(r["suppressed"] == "yes" for r in analysts)
    assert {r[m] for r in analysts for m in FIGURES} == {""}
    # The officers (8 besides nobody: the office left them) stay visible; the planners (7) are
    # hidden with the analysts so that the department's total minus the rows gives nothing.
    shown = {(r["job_role"], r["competency"]): r["people"] for r in rows if r["suppressed"] == "no"}
    assert shown == {
        ("citizen-service-officer", "DA.1"): "8",
        ("citizen-service-officer", "SP.1"): "8",
    }


@pytest.mark.django_db
def test_joining_a_hidden_group_does_not_reveal_it_in_the_drill_down(client, cto, administrator):
    become_analyst_with_approval(client, cto, administrator)

    for competency in ("DA.1", "DA.2", "SP.1"):
        url = reverse("department_competency", args=["CTO", competency])
        response = client.get(f"{url}?job_role=data-analyst")
        assert response.status_code == 200
        assert not response.context["distribution"].visible, competency
        assert "People at each level" not in response.content.decode()
    # DA.2 is needed by analysts only: the department's total for it is the same group.
    response = client.get(reverse("department_competency", args=["CTO", "DA.2"]))
    assert not response.context["distribution"].visible


@pytest.mark.django_db
def test_joining_a_hidden_group_does_not_reveal_it_in_any_other_view_or_export(
    client, cto, administrator
):
    become_analyst_with_approval(client, cto, administrator)

    page = client.get(reverse("department_report", args=["CTO"]))
    grid = page.context["grid"]
    analyst_column = [c.code for c in grid.columns].index("data-analyst")
    assert {row.cells[analyst_column].state for row in grid.rows} == {"hidden"}
    da2 = next(row for row in grid.rows if row.code == "DA.2")
    assert da2.total.state == "hidden"
    # The coverage counts the officers' shown cells only: 8 people, 16 requirements.
    coverage = page.context["coverage"]
    assert coverage.people_in_scope == 8
    assert sum(count for _, count in coverage.sources) == 16

    organisation = csv_rows(client.get(reverse("organisation_export", args=["csv"])).content)
    by_competency = {r["competency"]: r for r in organisation}
    assert by_competency["DA.2"]["suppressed"] == "yes"
    assert by_competency["DA.2"]["people"] == ""
    totals = client.get(reverse("organisation_competency", args=["DA.2"]))
    assert not totals.context["distribution"].visible

    book = load_workbook(
        io.BytesIO(client.get(reverse("department_export", args=["CTO", "xlsx"])).content)
    )
    data = list(book["Data"].iter_rows(values_only=True))
    header = data[0]
    analysts = [dict(zip(header, r, strict=True)) for r in data[1:] if r[1] == "data-analyst"]
    assert len(analysts) == 3
    assert {a[m] for a in analysts for m in FIGURES} == {None}


@pytest.mark.django_db
def test_a_group_with_enough_people_besides_the_viewer_is_shown_to_them(client, cto, administrator):
    # One more analyst: 6 in all, 5 besides the office. Their figures are the group's.
    cto["person"]("analyst", {"DA.1": 2, "DA.2": 1, "SP.1": 1})
    become_analyst_with_approval(client, cto, administrator)

    url = reverse("department_competency", args=["CTO", "DA.1"]) + "?job_role=data-analyst"
    distribution = client.get(url).context["distribution"]

    # DA.1 of the 5 others: 1, 2, 3, 4, 2; the office's own answer is unknown.
    assert distribution.visible
    assert (distribution.people, distribution.known, distribution.unknown) == (6, 5, 1)
    assert [count for _, _, count in distribution.levels] == [0, 1, 2, 1, 1]
