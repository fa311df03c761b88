"""Report pages cost the same number of queries however many people, departments and courses
there are."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from competencies.models import Competency
from competencies.services import framework_load, role_requirements_load, self_assessment_save
from courses.loading import course_load
from tests.competencies.frameworks import DIGCOMP_MINI, framework_data
from tests.courses.data import course_data
from tests.factories import DepartmentFactory, JobRoleFactory, make_person
from tests.module_data import check_constraints_once

CTO_PAGES = [
    "/reports/",
    "/reports/?framework=digcomp22",
    "/reports/competencies/DA.1/",
    "/reports/departments/CRS/",
    "/reports/departments/CRS/competencies/DA.1/",
    "/reports/departments/CRS/competencies/DA.1/?job_role=officer",
    "/reports/export.csv",
    "/reports/departments/CRS/export.csv",
]


@pytest.fixture(scope="module")
def world_once(django_db_setup, django_db_blocker):
    """The frameworks, a job role, CRS with its lead and six officers, and a CTO office reader,
    built once for the module inside a transaction undone at its end; each test runs in a
    savepoint, so the departments one test grows are gone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(COMPETENCY_PRIMARY_FRAMEWORK="mini"):
            framework_load(DIGCOMP_MINI)
            framework_load(framework_data())
            world = _world()
        check_constraints_once()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(world_once, settings):
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "mini"
    return world_once


def _world() -> dict:
    role = JobRoleFactory(code="officer", name="Officer")
    role_requirements_load({"framework": "mini", "profiles": {"officer": {"DA": 2, "SP": 1}}})
    crs = DepartmentFactory(code="CRS", name="Civil Registration")
    lead = make_person(roles=[Role.LEARNER, Role.DEPARTMENT_LEAD], department=crs)
    cto = make_person(roles=[Role.LEARNER, Role.CTO_OFFICE])
    competencies = list(Competency.objects.filter(framework__slug="mini"))

    def grow(departments: list[str], per_department: int) -> None:
        for code in departments:
            department = DepartmentFactory(code=code, name=f"Department {code}")
            for n in range(per_department):
                person = make_person(
                    department=department,
                    job_role=role,
                    line_manager=lead if code == "CRS" else None,
                )
                self_assessment_save(
                    user=person, answers={c: (n + i) % 4 for i, c in enumerate(competencies)}
                )

    grow(["CRS"], 6)  # shown from the start: 5 people besides any one viewer
    return {"grow": grow, "lead": lead, "cto": cto}


def queries(client, user, path: str) -> int:
    client.force_login(user)
    client.get(path)  # once first: rows made on the first visit (the security policy) aside
    cache.clear()  # every measurement computes the report from nothing
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context.captured_queries)


@pytest.mark.django_db
def test_report_pages_do_not_query_per_person_or_department(client, world):
    people = {"cto": CTO_PAGES, "lead": ["/reports/departments/CRS/"]}
    before = {
        (who, path): queries(client, world[who], path)
        for who, paths in people.items()
        for path in paths
    }

    world["grow"](["CRS", "FIN", "TRN", "HSS"], 6)

    after = {
        (who, path): queries(client, world[who], path)
        for who, paths in people.items()
        for path in paths
    }
    assert after == before


@pytest.mark.django_db
def test_learner_report_does_not_query_per_piece_of_evidence(client, world):
    person = make_person()
    competencies = list(Competency.objects.filter(framework__slug="mini"))
    self_assessment_save(user=person, answers={competencies[0]: 1})
    before = queries(client, person, "/reports/me/")

    for level in (2, 3, 1):
        self_assessment_save(user=person, answers=dict.fromkeys(competencies, level))

    assert queries(client, person, "/reports/me/") == before


@pytest.mark.django_db
def test_a_cached_report_costs_fewer_queries(client, world):
    client.force_login(world["cto"])
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get("/reports/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/reports/")

    assert len(warm.captured_queries) < len(cold.captured_queries)


@pytest.mark.django_db
def test_recommended_courses_cost_the_same_queries_however_many_there_are(
    client, world, training_lead
):
    def load(n: int) -> None:
        course_load(
            course_data(slug=f"data-basics-{n}", title=f"Data basics {n}"), owner=training_lead
        )

    load(1)
    before = queries(client, world["cto"], "/reports/")
    client.force_login(world["cto"])
    assert len(client.get("/reports/").context["courses"]) == 1

    for n in (2, 3, 4):
        load(n)

    assert queries(client, world["cto"], "/reports/") == before
    assert len(client.get("/reports/").context["courses"]) == 4
