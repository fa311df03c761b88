"""What both ways of applying a roster share: the order of writes and the audit entries that
the accounts services have none of their own for."""

from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.roles import Role
from organisations.models import Department, JobRole
from organisations.roster.plan import DepartmentChange, PersonChange, RosterPlan
from organisations.services import department_upsert, job_role_upsert


def departments_and_job_roles_write(plan: RosterPlan) -> None:
    """Departments (parents first) and job roles: a few dozen, so through the services."""
    for change in departments_parents_first(plan.departments):
        existing = Department.objects.filter(code=change.code).first()
        department_upsert(
            code=change.code,
            name=change.name,
            parent_code=change.parent_code,
            establishment=existing.establishment if existing else None,
        )
    for change in plan.job_roles:
        existing = JobRole.objects.filter(code=change.code).first()
        job_role_upsert(
            code=change.code,
            name=change.name,
            family=existing.family if existing else "",
            description=existing.description if existing else "",
        )


def account_email_change(user: User, email: str) -> None:
    """The roster's address becomes the account's primary, verified address (rare enough to
    write one at a time on either path)."""
    user.email = email
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user, email__iexact=email, primary=False).delete()
    EmailAddress.objects.filter(user=user, primary=True).update(email=email, verified=True)


def departments_parents_first(changes: Iterable[DepartmentChange]) -> list[DepartmentChange]:
    """Each department after its new parent, so no step ever puts one inside itself."""
    remaining = {change.code: change for change in changes}
    ordered = []
    while remaining:
        ready = [c for c in remaining.values() if c.parent_code not in remaining]
        for change in sorted(ready, key=lambda c: c.code):
            ordered.append(remaining.pop(change.code))
    return ordered


def people_managers_first(people: Iterable[PersonChange]) -> list[PersonChange]:
    """People in the order of the management chain after the import, top first: each new
    line manager is already in place, so no step makes a loop even where two swap places."""
    people = list(people)
    manager_of = {p.row.employee_number: p.row.line_manager_employee_number for p in people}
    depth: dict[str, int] = {}
    for number in manager_of:
        chain = []
        while number in manager_of and number not in depth:
            chain.append(number)
            number = manager_of[number]
        level = depth.get(number, -1)
        for link in reversed(chain):
            level += 1
            depth[link] = level
    return sorted(people, key=lambda p: depth[p.row.employee_number])


def account_create_data(person: PersonChange) -> dict[str, Any]:
    return {"after": {"email": person.row.email}}


def email_change_data(person: PersonChange) -> dict[str, Any]:
    return {"before": {"email": person.email_before}, "after": {"email": person.row.email}}


def roles_with_lead(roles: Iterable[str]) -> list[Role]:
    """A roster lead's roles: the ones they hold and Department lead."""
    role_names = {str(role) for role in Role}
    return [Role(name) for name in {*roles, str(Role.DEPARTMENT_LEAD)} if name in role_names]


def roles_change_data(
    before: Iterable[str], after: Iterable[str], *, is_superuser: bool
) -> dict[str, Any]:
    """The entry accounts.services.user_roles_set records, for the bulk path to write alike."""
    return {
        "before": _roles_snapshot(before, is_superuser),
        "after": _roles_snapshot(after, is_superuser),
    }


def _roles_snapshot(roles: Iterable[str], is_superuser: bool) -> dict[str, Any]:
    held = set(roles)
    return {"roles": [str(r) for r in Role if str(r) in held], "is_superuser": is_superuser}
