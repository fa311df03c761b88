"""Department pages: a lead sees their own department in aggregate and their direct reports;
the CTO office sees every department in aggregate."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from organisations.models import DepartmentLead
from organisations.services import department_lead_grant, membership_set
from tests.factories import DepartmentFactory, JobRoleFactory, make_person
from tests.html import table, texts


def role_counts(response) -> dict[str, int | None]:
    [(_, rows)] = response.context["departments"]
    return {row.job_role: row.people for row in rows}


@pytest.mark.django_db
def test_lead_sees_counts_by_role_and_names_only_of_direct_reports(
    client, settings, department_lead, learner, department, job_role
):
    settings.ANALYTICS_MIN_GROUP_SIZE = 0  # every count shown
    analyst = JobRoleFactory(name="Data analyst")
    stranger = make_person(department=department, job_role=analyst, last_name="Stranger")
    client.force_login(department_lead)

    response = client.get(reverse("my_department"))

    html = response.content.decode()
    assert role_counts(response) == {"Citizen service officer": 2, "Data analyst": 1}
    assert [m.user for m in response.context["direct_reports"]] == [learner]
    assert table(html, "People in Civil Registration and Citizen Services by job role") == [
        ["Job role", "People"],
        ["Citizen service officer", "2"],
        ["Data analyst", "1"],
    ]
    assert table(html, "Your direct reports") == [
        ["Name", "Job role"],
        [str(learner), "Citizen service officer"],
    ]
    assert str(stranger) not in html


@pytest.mark.django_db
def test_headcounts_need_enough_people_other_than_the_viewer(
    client, settings, department_lead, department, job_role
):
    # The lead is one of the citizen service officers: 3 people, but only 2 besides them.
    settings.ANALYTICS_MIN_GROUP_SIZE = 3
    for _ in range(2):
        make_person(department=department, job_role=job_role)
    analysts, planners = JobRoleFactory(name="Data analyst"), JobRoleFactory(name="Planner")
    for _ in range(4):
        make_person(department=department, job_role=analysts)
    for _ in range(3):
        make_person(department=department, job_role=planners)
    client.force_login(department_lead)

    response = client.get(reverse("my_department"))

    # Hiding only the lead's own group would let the department's headcount give it away, so
    # the planners (3) are hidden too: the hidden groups hold 6 people together.
    assert role_counts(response) == {
        "Citizen service officer": None,
        "Data analyst": 4,
        "Planner": None,
    }
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    assert re.search(r"Planner\s+Hidden", page)


@pytest.mark.django_db
def test_a_group_of_exactly_the_threshold_is_hidden_even_from_someone_outside_it(
    client, settings, department_lead, department
):
    # One rule for every viewer: 3 analysts would be only 2 besides an analyst looking.
    settings.ANALYTICS_MIN_GROUP_SIZE = 3
    analysts, planners = JobRoleFactory(name="Data analyst"), JobRoleFactory(name="Planner")
    for role, people in ((analysts, 3), (planners, 4)):
        for _ in range(people):
            make_person(department=department, job_role=role)
    client.force_login(department_lead)

    response = client.get(reverse("my_department"))

    assert role_counts(response) == {
        "Citizen service officer": None,
        "Data analyst": None,
        "Planner": 4,
    }


@pytest.mark.django_db
def test_lead_department_counts_only_the_departments_own_staff(
    client, settings, department_lead, department
):
    # The skills report of a department counts its own staff, not its sub-departments'; the
    # headcounts count the same groups, so one cannot be subtracted from the other.
    settings.ANALYTICS_MIN_GROUP_SIZE = 0
    unit = DepartmentFactory(code="CRS-ID", name="Identity unit", parent=department)
    policy_officer = JobRoleFactory(name="Policy officer")
    make_person(department=unit, job_role=policy_officer)
    make_person(department=unit, job_role=policy_officer)
    client.force_login(department_lead)

    rows = role_counts(client.get(reverse("my_department")))

    assert rows == {"Citizen service officer": 1}


@pytest.mark.django_db
def test_lead_without_a_granted_department_sees_none_even_with_one_of_their_own(client, department):
    lead = make_person(roles=[Role.LEARNER, Role.DEPARTMENT_LEAD])
    membership_set(user=lead, department=department, job_role=None)
    DepartmentLead.objects.filter(user=lead).delete()
    client.force_login(lead)

    response = client.get(reverse("my_department"))

    assert response.context["departments"] == []
    html = response.content.decode()
    assert texts(html, "//main//div[contains(@class, 'govuk-inset-text')]") == [
        "You have not been given a department to lead. An administrator gives department leads "
        "their department, or it comes from your organisation's HR records."
    ]
    assert texts(html, "//main//table") == []


@pytest.mark.django_db
def test_lead_with_two_granted_departments_sees_both(client, settings, department_lead):
    settings.ANALYTICS_MIN_GROUP_SIZE = 1
    finance = DepartmentFactory(code="FIN", name="Finance")
    department_lead_grant(user=department_lead, department=finance)
    client.force_login(department_lead)

    response = client.get(reverse("my_department"))

    assert [d.code for d, _ in response.context["departments"]] == ["CRS", "FIN"]


@pytest.mark.django_db
def test_departments_overview_counts_people_per_department(
    client, settings, cto_office, learner, department
):
    settings.ANALYTICS_MIN_GROUP_SIZE = 1  # shown from 2 people
    DepartmentFactory(code="FIN", name="Finance")
    client.force_login(cto_office)

    response = client.get(reverse("departments_overview"))

    counts = {d.code: d.headcount for d in response.context["departments"]}
    assert counts == {"CRS": 2, "FIN": 0}
    assert str(learner) not in response.content.decode()


@pytest.mark.django_db
def test_departments_overview_makes_the_same_queries_whatever_the_size(client, cto_office):
    client.force_login(cto_office)
    DepartmentFactory()

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("departments_overview")).status_code == 200
        return len(queries)

    count_queries()  # first request creates per-site settings rows; measure warm requests
    small = count_queries()
    for _ in range(10):
        make_person(department=DepartmentFactory(), job_role=JobRoleFactory())
    assert count_queries() == small


@pytest.mark.django_db
def test_my_department_makes_the_same_queries_whatever_the_size(
    client, department_lead, department
):
    client.force_login(department_lead)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("my_department")).status_code == 200
        return len(queries)

    count_queries()  # first request creates per-site settings rows; measure warm requests
    small = count_queries()
    for _ in range(10):
        make_person(department=department, job_role=JobRoleFactory(), line_manager=department_lead)
    assert count_queries() == small
