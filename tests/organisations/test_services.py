"""Organisation services: idempotent loading and a management chain without loops."""

import pytest
from django.core.exceptions import ValidationError

from organisations.models import Department, JobRole, Membership
from organisations.services import department_upsert, membership_set, organisation_load
from tests.factories import make_person

DEPARTMENTS = [
    {"code": "CRS", "name": "Civil Registration", "establishment": 350},
    {"code": "CRS-ID", "name": "Identity unit", "parent": "CRS"},
]
ROLES = [{"code": "policy-officer", "name": "Policy officer", "family": "Policy"}]


@pytest.mark.django_db
def test_organisation_load_is_idempotent():
    first = organisation_load(departments=DEPARTMENTS, job_roles=ROLES)
    second = organisation_load(departments=DEPARTMENTS, job_roles=ROLES)

    assert first == second == {"departments": 2, "job_roles": 1}
    assert Department.objects.count() == 2
    assert Department.objects.get(code="CRS-ID").parent.code == "CRS"
    assert JobRole.objects.get().family == "Policy"


@pytest.mark.django_db
def test_organisation_load_with_a_bad_code_loads_nothing():
    bad = [*DEPARTMENTS, {"code": "bad code!", "name": "Broken"}]

    with pytest.raises(ValidationError) as error:
        organisation_load(departments=bad, job_roles=ROLES)

    assert "code" in error.value.message_dict
    assert Department.objects.count() == 0
    assert JobRole.objects.count() == 0


@pytest.mark.django_db
def test_a_department_cannot_sit_inside_itself():
    organisation_load(departments=DEPARTMENTS, job_roles=[])

    with pytest.raises(ValidationError, match="cannot sit inside itself"):
        department_upsert(code="CRS", name="Civil Registration", parent_code="CRS-ID")


@pytest.mark.django_db
def test_person_cannot_manage_themselves():
    person = make_person()

    with pytest.raises(ValidationError, match="cannot be their own line manager"):
        membership_set(user=person, department=None, job_role=None, line_manager=person)


@pytest.mark.django_db
def test_management_loops_are_refused():
    top = make_person()
    middle = make_person(line_manager=top)
    bottom = make_person(line_manager=middle)

    with pytest.raises(ValidationError, match="loop of line managers"):
        membership_set(user=top, department=None, job_role=None, line_manager=bottom)

    assert not Membership.objects.filter(user=top).exists()
