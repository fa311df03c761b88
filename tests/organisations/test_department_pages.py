"""Department pages: a lead sees their own department in aggregate and their direct reports;
the CTO office sees every department in aggregate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from tests.factories import DepartmentFactory, JobRoleFactory, make_person


@pytest.mark.django_db
def test_lead_sees_counts_by_role_and_names_only_of_direct_reports(
    client, department_lead, learner, department, job_role
):
    analyst = JobRoleFactory(name="Data analyst")
    stranger = make_person(department=department, job_role=analyst, last_name="Stranger")
    client.force_login(department_lead)

    response = client.get(reverse("my_department"))

    html = response.content.decode()
    rows = {row.job_role: row.people for row in response.context["role_counts"]}
    assert rows == {"Citizen service officer": 2, "Data analyst": 1}
    assert [m.user for m in response.context["direct_reports"]] == [learner]
    assert str(learner) in html
    assert str(stranger) not in html


@pytest.mark.django_db
def test_lead_department_counts_include_sub_departments(client, department_lead, department):
    unit = DepartmentFactory(code="CRS-ID", name="Identity unit", parent=department)
    make_person(department=unit, job_role=JobRoleFactory(name="Policy officer"))
    client.force_login(department_lead)

    rows = {
        r.job_role: r.people for r in client.get(reverse("my_department")).context["role_counts"]
    }

    assert rows == {"Citizen service officer": 1, "Policy officer": 1}


@pytest.mark.django_db
def test_lead_without_a_department_is_told_how_to_fix_it(client):
    lead = make_person(roles=[Role.LEARNER, Role.DEPARTMENT_LEAD])
    client.force_login(lead)

    html = client.get(reverse("my_department")).content.decode()

    assert "Your profile does not say which department you lead." in html


@pytest.mark.django_db
def test_departments_overview_counts_people_per_department(client, cto_office, learner, department):
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
