"""Fixtures shared by every test: people in each role, and a clean cache per test."""

import pytest
from django.core.cache import cache

from accounts.roles import Role
from tests.factories import DepartmentFactory, JobRoleFactory, make_person


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth keeps rate-limit counters in the cache; one test's failures must not lock another.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def department(db):
    return DepartmentFactory(code="CRS", name="Civil Registration and Citizen Services")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="FIN", name="Finance, Revenue and Procurement")


@pytest.fixture
def job_role(db):
    return JobRoleFactory(code="citizen-service-officer", name="Citizen service officer")


@pytest.fixture
def department_lead(db, department, job_role):
    return make_person(
        roles=[Role.LEARNER, Role.DEPARTMENT_LEAD], department=department, job_role=job_role
    )


@pytest.fixture
def learner(db, department, job_role, department_lead):
    return make_person(department=department, job_role=job_role, line_manager=department_lead)


@pytest.fixture
def training_lead(db):
    return make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])


@pytest.fixture
def cto_office(db):
    return make_person(roles=[Role.LEARNER, Role.CTO_OFFICE])


@pytest.fixture
def administrator(db):
    return make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR])


@pytest.fixture
def people(learner, training_lead, department_lead, cto_office, administrator):
    """Each persona by name, for tests parametrised over roles."""
    return {
        "anonymous": None,
        "learner": learner,
        "training_lead": training_lead,
        "department_lead": department_lead,
        "cto_office": cto_office,
        "administrator": administrator,
    }
