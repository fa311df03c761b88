"""Headcounts on /department/ and /departments/ follow the reports' rule: a count is shown
only when its group has ANALYTICS_MIN_GROUP_SIZE people besides any one viewer, and no
subtraction between the two pages gives a hidden group away."""

import itertools

import pytest
from django.urls import reverse

from accounts.roles import Role
from organisations.models import MembershipRequest
from organisations.selectors import hidden_counts
from organisations.services import membership_request_create, membership_request_decide
from tests.factories import DepartmentFactory, JobRoleFactory, make_person

SMALLEST = 6  # ANALYTICS_MIN_GROUP_SIZE 5, and the viewer


def test_a_small_group_is_hidden_with_the_next_smallest():
    assert hidden_counts([10, 7, 4], SMALLEST) == {1, 2}
    assert hidden_counts([10, 4], SMALLEST) == {0, 1}
    assert hidden_counts([3, 3, 9], SMALLEST) == {0, 1}  # together 6: enough
    assert hidden_counts([6, 9], SMALLEST) == set()
    assert hidden_counts([0, 9], SMALLEST) == set()  # an empty group gives nobody away
    assert hidden_counts([2, 3], SMALLEST) == {0, 1}


def test_no_total_minus_the_shown_counts_gives_a_small_group_away():
    for counts in itertools.product(range(9), repeat=4):
        hidden = hidden_counts(list(counts), SMALLEST)
        left = sum(counts[i] for i in hidden)
        everyone_hidden = all(counts[i] == 0 or i in hidden for i in range(4))
        # The total minus the shown counts is 0, or a group large enough, or the whole total,
        # which is then itself too small to be shown anywhere.
        assert left == 0 or left >= SMALLEST or everyone_hidden, counts
        assert all(i in hidden for i in range(4) if 0 < counts[i] < SMALLEST), counts


@pytest.fixture
def cto(db, settings):
    settings.ANALYTICS_MIN_GROUP_SIZE = 5
    department = DepartmentFactory(code="CTO", name="Chief Technology Office")
    roles = {
        name: JobRoleFactory(name=name)
        for name in ("Citizen service officer", "Planner", "Data analyst")
    }
    for role, size in (("Citizen service officer", 8), ("Planner", 7), ("Data analyst", 4)):
        for _ in range(size):
            make_person(department=department, job_role=roles[role])
    # Leads the department and sees every department: both pages at once.
    lead = make_person(
        roles=[Role.LEARNER, Role.DEPARTMENT_LEAD, Role.CTO_OFFICE],
        department=department,
        job_role=roles["Citizen service officer"],
    )
    return {"department": department, "roles": roles, "lead": lead}


def role_counts(client) -> dict[str, int | None]:
    [(_, rows)] = client.get(reverse("my_department")).context["departments"]
    return {row.job_role: row.people for row in rows}


def headcounts(client) -> dict[str, int | None]:
    departments = client.get(reverse("departments_overview")).context["departments"]
    return {d.code: d.headcount for d in departments}


@pytest.mark.django_db
def test_joining_a_hidden_group_does_not_show_its_headcount(client, cto, administrator):
    lead = cto["lead"]
    request = membership_request_create(
        user=lead, department=cto["department"], job_role=cto["roles"]["Data analyst"]
    )
    membership_request_decide(request=request, decider=administrator, approve=True)
    assert MembershipRequest.objects.get(pk=request.pk).status == "approved"
    client.force_login(lead)

    # 5 analysts with the lead, 4 besides them: hidden, and the planners with them.
    assert role_counts(client) == {
        "Citizen service officer": 8,
        "Data analyst": None,
        "Planner": None,
    }
    # The department's headcount minus the shown row leaves 12 people, not one small group.
    assert headcounts(client) == {"CTO": 20}


@pytest.mark.django_db
def test_departments_overview_hides_small_departments_and_the_next_smallest(client, cto):
    for code, size in (("ENV", 2), ("FIN", 9), ("LAB", 7)):
        department = DepartmentFactory(code=code)
        for _ in range(size):
            make_person(department=department)
    DepartmentFactory(code="NEW")
    client.force_login(cto["lead"])

    assert headcounts(client) == {"CTO": 20, "ENV": None, "FIN": 9, "LAB": None, "NEW": 0}
    page = client.get(reverse("departments_overview")).content.decode()
    assert "A count is shown only when the department has more than 5 people" in page
