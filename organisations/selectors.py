"""Reads for the organisation: a person's membership, their department, the whole picture."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from accounts.models import User
from organisations.models import Department, DepartmentLead, JobRole, Membership, MembershipRequest


def membership_of(user: User) -> Membership | None:
    return (
        Membership.objects.select_related("department", "job_role", "line_manager")
        .filter(user=user)
        .first()
    )


def organisation_version() -> str:
    """A token that changes whenever who is placed where changes: a membership written (its
    `updated_at`, indexed) or an account closed or reopened (the few inactive accounts have a
    partial index of their own)."""
    latest = Membership.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    inactive = User.objects.filter(is_active=False).count()
    return f"{latest.timestamp() if latest else 0}.{inactive}"


def departments_matching(value: str) -> list[Department]:
    """How an authority's text names a department: its code (any case) first, else its name.
    Names are not unique, so more than one department may answer to a name."""
    by_code = list(Department.objects.filter(code__iexact=value)[:1])
    return by_code or list(Department.objects.filter(name__iexact=value)[:2])


def job_role_matching(value: str) -> JobRole | None:
    """A job role by its code or its name, in any case (both are unique)."""
    return JobRole.objects.filter(Q(code__iexact=value) | Q(name__iexact=value)).first()


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


def smallest_count_shown() -> int:
    """The fewest people a headcount needs to be shown: ANALYTICS_MIN_GROUP_SIZE besides any
    one viewer, who may be one of them (the rule of the skill-gap reports)."""
    return settings.ANALYTICS_MIN_GROUP_SIZE + 1


def hidden_counts(counts: list[int], smallest: int) -> set[int]:
    """Positions of the headcounts to hide among groups whose total is published elsewhere:
    every group of 1 to `smallest` - 1 people, then the next smallest shown groups until the
    hidden ones hold at least `smallest` people together, so that the total minus the shown
    counts gives no small group away. An empty group is shown as 0: it is nobody."""
    hidden = {index for index, count in enumerate(counts) if 0 < count < smallest}
    while hidden and sum(counts[index] for index in hidden) < smallest:
        shown = [i for i, count in enumerate(counts) if i not in hidden and count > 0]
        if not shown:
            break
        hidden.add(min(shown, key=lambda index: counts[index]))
    return hidden


@dataclass(frozen=True)
class RoleCount:
    job_role: str
    people: int | None  # None: hidden


def department_role_counts(department: Department) -> list[RoleCount]:
    """People per job role in a department (aggregated, no names): the department's own staff,
    the groups its skills report counts, so neither page can be subtracted from the other.

    A count is shown only when the group has more than ANALYTICS_MIN_GROUP_SIZE people, so even
    one of its members sees a count of that many others; more groups are hidden with a small
    one until the department's headcount (on the departments page) minus the shown rows gives
    no group away."""
    rows = list(
        Membership.objects.filter(department=department)
        .values("job_role__name")
        .annotate(people=Count("pk"))
        .order_by("job_role__name")
    )
    hidden = hidden_counts([row["people"] for row in rows], smallest_count_shown())
    return [
        RoleCount(
            row["job_role__name"] or gettext("No job role given"),
            None if index in hidden else row["people"],
        )
        for index, row in enumerate(rows)
    ]


def direct_reports(manager: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(line_manager=manager)
        .select_related("user", "job_role", "department")
        .order_by("user__last_name", "user__first_name")
    )


def departments_overview() -> list[Department]:
    """Every department with its headcount, or None where the headcount is hidden by the
    rule of department_role_counts (the departments' total is the organisation's)."""
    departments = list(
        Department.objects.select_related("parent").with_headcount().order_by("name")
    )
    hidden = hidden_counts([d.headcount for d in departments], smallest_count_shown())
    for index in hidden:
        departments[index].headcount = None
    return departments


def job_roles() -> QuerySet[JobRole]:
    return JobRole.objects.order_by("name")


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("name")
