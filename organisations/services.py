"""Writes for the organisation: departments, job roles and memberships."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from accounts.models import User
from organisations.models import Department, JobRole, Membership


@transaction.atomic
def department_upsert(
    *, code: str, name: str, parent_code: str | None = None, establishment: int | None = None
) -> Department:
    parent = Department.objects.get(code=parent_code) if parent_code else None
    department = Department.objects.filter(code=code).first() or Department(code=code)
    department.name, department.parent, department.establishment = name, parent, establishment
    department.full_clean()
    department.save()
    return department


@transaction.atomic
def job_role_upsert(*, code: str, name: str, family: str = "", description: str = "") -> JobRole:
    role = JobRole.objects.filter(code=code).first() or JobRole(code=code)
    role.name, role.family, role.description = name, family, description
    role.full_clean()
    role.save()
    return role


@transaction.atomic
def membership_set(
    *,
    user: User,
    department: Department | None,
    job_role: JobRole | None,
    line_manager: User | None = None,
) -> Membership:
    """Place a person in the organisation (administrators and seeding)."""
    membership = Membership.objects.filter(user=user).first() or Membership(user=user)
    membership.department, membership.job_role = department, job_role
    membership.line_manager = line_manager
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_correct_own(
    *, user: User, department: Department | None, job_role: JobRole | None
) -> Membership:
    """A person corrects their own department and job role; their line manager is kept."""
    membership = Membership.objects.filter(user=user).first() or Membership(user=user)
    membership.department, membership.job_role = department, job_role
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def organisation_load(
    *, departments: Iterable[Mapping[str, Any]], job_roles: Iterable[Mapping[str, Any]]
) -> dict[str, int]:
    """Load departments (parents before children) and job roles from declarative data."""
    department_count = 0
    for item in departments:
        department_upsert(
            code=item["code"],
            name=item["name"],
            parent_code=item.get("parent"),
            establishment=item.get("establishment"),
        )
        department_count += 1
    role_count = 0
    for item in job_roles:
        job_role_upsert(
            code=item["code"],
            name=item["name"],
            family=item.get("family", ""),
            description=item.get("description", ""),
        )
        role_count += 1
    return {"departments": department_count, "job_roles": role_count}
