"""Writes for the organisation: departments, job roles and memberships."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record, audit_snapshot
from accounts.models import User
from organisations.models import (
    Department,
    DepartmentLead,
    JobRole,
    Membership,
    MembershipRequest,
    MembershipSource,
)


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


MEMBERSHIP_FIELDS = ("department", "job_role", "line_manager", "employee_number", "leaving_date")

_UNSET: Any = object()


@transaction.atomic
def membership_set(
    *,
    user: User,
    department: Department | None,
    job_role: JobRole | None,
    line_manager: User | None = _UNSET,
    employee_number: str | None = _UNSET,
    leaving_date: date | None = _UNSET,
    source: str = MembershipSource.ADMINISTRATOR,
    actor: User | None = None,
    via: str = "",
) -> Membership:
    """Place a person in the organisation. Only authorities call this: an administrator
    (`actor`), the HR roster, the identity provider or SCIM (`source`, `via`). Fields left
    out keep their value. The change is audited when anything changed."""
    membership = Membership.objects.filter(user=user).first()
    before = audit_snapshot(membership, MEMBERSHIP_FIELDS)
    membership = membership or Membership(user=user)
    membership.department, membership.job_role = department, job_role
    if line_manager is not _UNSET:
        membership.line_manager = line_manager
    if employee_number is not _UNSET:
        membership.employee_number = employee_number or None
    if leaving_date is not _UNSET:
        membership.leaving_date = leaving_date
    after = audit_snapshot(membership, MEMBERSHIP_FIELDS)
    if membership.pk is not None and before == after:
        return membership
    membership.source = source
    membership.full_clean()
    membership.save()
    audit_record(
        instance=membership,
        action="lms.membership.change",
        actor=actor,
        before=before,
        after=after,
        via=via or MembershipSource(source).label,
    )
    return membership


@transaction.atomic
def membership_request_create(
    *, user: User, department: Department | None, job_role: JobRole | None, reason: str = ""
) -> MembershipRequest:
    """A person asks for their department or job role to be corrected. Nothing changes until
    an administrator or their line manager approves; a newer request replaces a pending one."""
    MembershipRequest.objects.filter(user=user, status=MembershipRequest.Status.PENDING).update(
        status=MembershipRequest.Status.WITHDRAWN
    )
    request = MembershipRequest.objects.create(
        user=user, department=department, job_role=job_role, reason=reason.strip()
    )
    audit_record(
        instance=request,
        action="lms.membership.request",
        actor=user,
        after={"department": str(department or ""), "job_role": str(job_role or "")},
    )
    return request


class NotAllowedToDecide(PermissionError):
    """The person deciding is neither an administrator nor the requester's line manager."""


def may_decide_membership_request(*, decider: User, request: MembershipRequest) -> bool:
    if decider.pk == request.user_id:
        return False
    if decider.has_perm("organisations.change_membership"):
        return True
    return Membership.objects.filter(user_id=request.user_id, line_manager=decider).exists()


@transaction.atomic
def membership_request_decide(
    *, request: MembershipRequest, decider: User, approve: bool
) -> MembershipRequest:
    """Approve (the membership changes, audited) or reject a pending correction."""
    request = MembershipRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != MembershipRequest.Status.PENDING:
        raise ValueError("This request has already been decided.")
    if not may_decide_membership_request(decider=decider, request=request):
        raise NotAllowedToDecide("Only an administrator or the person's line manager can decide.")
    request.status = (
        MembershipRequest.Status.APPROVED if approve else MembershipRequest.Status.REJECTED
    )
    request.decided_by, request.decided_at = decider, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        instance=request,
        action="lms.membership.decide",
        actor=decider,
        before={"status": MembershipRequest.Status.PENDING.value},
        after={"status": request.status},
    )
    if approve:
        membership_set(
            user=request.user,
            department=request.department,
            job_role=request.job_role,
            source=MembershipSource.APPROVED_REQUEST,
            actor=decider,
        )
    return request


@transaction.atomic
def department_lead_grant(
    *,
    user: User,
    department: Department,
    source: str = MembershipSource.ADMINISTRATOR,
    actor: User | None = None,
    via: str = "",
) -> DepartmentLead:
    """Let a person lead a department's reports. Idempotent; audited when it is new."""
    grant, created = DepartmentLead.objects.get_or_create(
        user=user, department=department, defaults={"source": source}
    )
    if created:
        audit_record(
            instance=grant,
            action="lms.lead_scope.grant",
            actor=actor,
            after={"user": str(user), "department": department.code},
            via=via or MembershipSource(source).label,
        )
    return grant


@transaction.atomic
def department_lead_revoke(
    *,
    user: User,
    department: Department,
    actor: User | None = None,
    via: str = "",
) -> bool:
    """Withdraw a lead's scope over a department; False when there was none."""
    grant = DepartmentLead.objects.filter(user=user, department=department).first()
    if grant is None:
        return False
    audit_record(
        instance=grant,
        action="lms.lead_scope.revoke",
        actor=actor,
        before={"user": str(user), "department": department.code},
        via=via,
    )
    grant.delete()
    return True


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
