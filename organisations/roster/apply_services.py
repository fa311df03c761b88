"""Applying a roster row by row through the apps' services: the reference the bulk path keeps
to, and the way small changes are made."""

from accounts.audit import audit_record
from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create, user_deactivate, user_roles_set
from organisations.models import Department, JobRole, MembershipSource
from organisations.roster.plan import RosterPlan
from organisations.roster.writes import (
    account_create_data,
    account_email_change,
    departments_and_job_roles_write,
    email_change_data,
    people_managers_first,
    roles_with_lead,
)
from organisations.services import (
    department_lead_grant,
    department_lead_revoke,
    membership_set,
)


def roster_apply_by_services(plan: RosterPlan, *, actor: User | None = None) -> None:
    """Write the plan one change at a time. Call inside the import's transaction."""
    via = plan.via
    departments_and_job_roles_write(plan)
    people = plan.changed_people
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in=[p.user_id for p in people if p.user_id])
    }
    user_of_number = {}
    for person in people:
        row = person.row
        if person.user_id is None:
            user = user_create(
                email=row.email,
                password=None,
                first_name=row.given_name,
                last_name=row.family_name,
                email_verified=True,
                roles=[Role.LEARNER],
                actor=actor,
                via=via,
            )
            audit_record(
                instance=user,
                action="lms.account.create",
                actor=actor,
                via=via,
                **account_create_data(person),
            )
        else:
            user = users[person.user_id]
        user_of_number[row.employee_number] = user
        if person.email_before:
            account_email_change(user, row.email)
            audit_record(
                instance=user,
                action="lms.account.email_change",
                actor=actor,
                via=via,
                **email_change_data(person),
            )
    departments = {d.code: d for d in Department.objects.all()}
    job_roles = {r.code: r for r in JobRole.objects.all()}
    for person in people_managers_first(people):
        if not person.membership_changed:
            continue
        row = person.row
        manager = row.line_manager_employee_number
        membership_set(
            user=user_of_number[row.employee_number],
            department=departments[row.department_code],
            job_role=job_roles.get(row.job_role_code),
            line_manager=(user_of_number.get(manager) or _user_numbered(manager))
            if manager
            else None,
            employee_number=row.employee_number,
            leaving_date=row.leaving_date,
            source=MembershipSource.ROSTER,
            actor=actor,
            via=via,
        )
    for person in people:
        user = user_of_number[person.row.employee_number]
        for code in person.grant_codes:
            department_lead_grant(
                user=user,
                department=departments[code],
                source=MembershipSource.ROSTER,
                actor=actor,
                via=via,
            )
        for code in person.revoke_codes:
            department_lead_revoke(user=user, department=departments[code], actor=actor, via=via)
        if person.add_lead_role:
            held = user.groups.values_list("name", flat=True)
            user_roles_set(user=user, roles=roles_with_lead(held), actor=actor, via=via)
        if person.deactivate:
            user_deactivate(user=user, actor=actor, via=via)
    if plan.deactivate_missing:
        for missing in plan.missing:
            user_deactivate(user=User.objects.get(pk=missing.user_id), actor=actor, via=via)


def _user_numbered(employee_number: str) -> User:
    return User.objects.get(membership__employee_number=employee_number)
