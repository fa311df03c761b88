"""Reads for the organisation: a person's membership, their department, the whole picture."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet

from accounts.models import User
from organisations.models import Department, DepartmentLead, JobRole, Membership, MembershipRequest


def membership_of(user: User) -> Membership | None:
    return (
        Membership.objects.select_related("department", "job_role", "line_manager")
        .filter(user=user)
        .first()
    )


def led_department_codes(user: User) -> list[str]:
    """The departments a person has been granted to lead, by code (usually one)."""
    if not user.is_authenticated:
        return []
    return list(
        DepartmentLead.objects.filter(user=user)
        .order_by("department__code")
        .values_list("department__code", flat=True)
    )


def pending_membership_requests(decider: User) -> QuerySet[MembershipRequest]:
    """Corrections waiting for this person: every one for an administrator, their direct
    reports' for a line manager; never their own."""
    pending = MembershipRequest.objects.filter(status=MembershipRequest.Status.PENDING).exclude(
        user=decider
    )
    if not decider.has_perm("organisations.change_membership"):
        pending = pending.filter(user__membership__line_manager=decider)
    return pending.select_related(
        "user",
        "department",
        "job_role",
        "user__membership__department",
        "user__membership__job_role",
    ).order_by("created_at")


def pending_membership_request_of(user: User) -> MembershipRequest | None:
    return (
        MembershipRequest.objects.filter(user=user, status=MembershipRequest.Status.PENDING)
        .select_related("department", "job_role")
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
    people: int | None  # None: too few people to show
    threshold: int = 0


def department_role_counts(department: Department, *, viewer: User) -> list[RoleCount]:
    """People per job role in a department and its sub-departments (aggregated, no names).

    A count is shown only where the group holds at least ANALYTICS_MIN_GROUP_SIZE people other
    than the viewer. Where that hides exactly one group, the next smallest is hidden too, so
    that the department's headcount minus the shown rows gives no group away."""
    threshold = settings.ANALYTICS_MIN_GROUP_SIZE
    department_ids = department_with_descendants(department)
    rows = list(
        Membership.objects.filter(department_id__in=department_ids)
        .values("job_role_id", "job_role__name")
        .annotate(people=Count("pk"))
        .order_by("job_role__name")
    )
    own = Membership.objects.filter(user=viewer).values_list("job_role_id", "department_id").first()
    in_department = own is not None and own[1] in department_ids

    def others(row) -> int:
        viewer_in_group = in_department and own is not None and own[0] == row["job_role_id"]
        return row["people"] - (1 if viewer_in_group else 0)

    hidden = {index for index, row in enumerate(rows) if others(row) < threshold}
    if len(hidden) == 1 and len(rows) > 1:
        visible = [index for index in range(len(rows)) if index not in hidden]
        hidden.add(min(visible, key=lambda index: rows[index]["people"]))
    return [
        RoleCount(
            row["job_role__name"] or "No job role given",
            None if index in hidden else row["people"],
            threshold,
        )
        for index, row in enumerate(rows)
    ]


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
