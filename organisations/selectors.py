"""Reads for the organisation: a person's membership, their department, the whole picture."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from accounts.models import User
from organisations.models import Department, JobRole, Membership


def membership_of(user: User) -> Membership | None:
    return (
        Membership.objects.select_related("department", "job_role", "line_manager")
        .filter(user=user)
        .first()
    )


def department_with_descendants(department: Department) -> list[int]:
    """Ids of a department and everything below it (departments number in the dozens)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = [], [department.pk]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


@dataclass(frozen=True)
class RoleCount:
    job_role: str
    people: int


def department_role_counts(department: Department) -> list[RoleCount]:
    """People per job role in a department and its sub-departments (aggregated, no names)."""
    rows = (
        Membership.objects.filter(department_id__in=department_with_descendants(department))
        .values("job_role__name")
        .annotate(people=Count("pk"))
        .order_by("job_role__name")
    )
    return [RoleCount(row["job_role__name"] or "No job role given", row["people"]) for row in rows]


def direct_reports(manager: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(line_manager=manager)
        .select_related("user", "job_role", "department")
        .order_by("user__last_name", "user__first_name")
    )


def departments_overview() -> QuerySet[Department]:
    return Department.objects.select_related("parent").with_headcount().order_by("name")


def job_roles() -> QuerySet[JobRole]:
    return JobRole.objects.order_by("name")


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("name")
