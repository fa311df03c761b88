"""Applying a large roster in bulk: the same rows and the same audit entries as the services
write one at a time (tests compare the two), in a few statements per thousand people."""

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.audit import AUDIT_ACTIONS, audit_snapshot
from accounts.models import User
from accounts.roles import Role
from organisations.models import Department, DepartmentLead, JobRole, Membership, MembershipSource
from organisations.roster.plan import PersonChange, RosterPlan
from organisations.roster.state import OrganisationState
from organisations.roster.writes import (
    account_create_data,
    account_email_change,
    departments_and_job_roles_write,
    email_change_data,
    roles_change_data,
    roles_with_lead,
)
from organisations.services import MEMBERSHIP_FIELDS

BATCH = 2000


class _AuditLog:
    """Audit entries gathered in memory, shaped as accounts.audit.audit_record shapes them."""

    def __init__(self, *, actor: User | None, via: str):
        self.actor = actor if actor is not None and actor.is_authenticated else None
        self.via = via
        self.now = timezone.now()
        self.entries: list[ModelLogEntry] = []
        self.content_types: dict[type, ContentType] = {}

    def add(
        self,
        instance: models.Model,
        action: str,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        on_behalf: bool = True,
    ) -> None:
        """`on_behalf=False`: an entry the services record without the import's actor and via."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"Unknown audit action: {action}")
        model = type(instance)
        if model not in self.content_types:
            self.content_types[model] = ContentType.objects.get_for_model(
                instance, for_concrete_model=False
            )
        self.entries.append(
            ModelLogEntry(
                content_type=self.content_types[model],
                label=str(instance) or f"{model.__name__} object ({instance.pk})",
                action=action,
                timestamp=self.now,
                data={
                    "before": dict(before or {}),
                    "after": dict(after or {}),
                    "via": self.via if on_behalf else "",
                },
                object_id=str(instance.pk),
                user=self.actor if on_behalf else None,
            )
        )

    def write(self) -> None:
        ModelLogEntry.objects.bulk_create(self.entries, batch_size=BATCH)


def roster_apply_in_bulk(
    plan: RosterPlan, state: OrganisationState, *, actor: User | None = None
) -> None:
    """Write the plan computed against `state`. Call inside the import's transaction."""
    audit = _AuditLog(actor=actor, via=plan.via)
    departments_and_job_roles_write(plan)
    departments = {d.code: d for d in Department.objects.all()}
    job_roles = {r.code: r for r in JobRole.objects.all()}
    people = plan.changed_people

    accounts = _accounts(state)
    user_of_number = {
        number: accounts[user_id] for number, user_id in state.user_by_employee_number.items()
    }
    created = _accounts_create(people, audit)
    for person in people:
        user = created.get(person.row.employee_number) or accounts[person.user_id]
        user_of_number[person.row.employee_number] = user
        if person.email_before:
            account_email_change(user, person.row.email)
            audit.add(user, "lms.account.email_change", **email_change_data(person))

    _memberships_write(people, state, audit, accounts, user_of_number, departments, job_roles)
    _lead_scopes_write(people, state, audit, user_of_number, departments)
    closing = [user_of_number[p.row.employee_number] for p in people if p.deactivate]
    if plan.deactivate_missing:
        closing += [accounts[missing.user_id] for missing in plan.missing]
    closing = [user for user in closing if user.is_active]
    for user in closing:
        audit.add(
            user, "lms.account.deactivate", before={"is_active": True}, after={"is_active": False}
        )
    for start in range(0, len(closing), BATCH):
        User.objects.filter(pk__in=[u.pk for u in closing[start : start + BATCH]]).update(
            is_active=False
        )
    audit.write()


def _accounts(state: OrganisationState) -> dict[int, User]:
    """Unsaved User objects standing for existing accounts: enough for their audit labels."""
    return {
        account.user_id: User(
            pk=account.user_id,
            email=account.email,
            first_name=account.first_name,
            last_name=account.last_name,
            is_active=account.is_active,
            is_superuser=account.is_superuser,
        )
        for account in state.accounts.values()
    }


def _accounts_create(people: list[PersonChange], audit: _AuditLog) -> dict[str, User]:
    """New accounts as accounts.services.user_create makes them: a verified primary address,
    the Learner role and no usable password (people sign in through single sign-on or reset
    their password)."""
    new = [person for person in people if person.user_id is None]
    if not new:
        return {}
    users = [
        User(
            email=person.row.email,
            first_name=person.row.given_name,
            last_name=person.row.family_name,
            password=make_password(None),
        )
        for person in new
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    if any(user.pk is None for user in users):  # a database that returns no ids on insert
        ids = dict(
            User.objects.filter(email__in=[u.email for u in users]).values_list("email", "pk")
        )
        for user in users:
            user.pk = ids[user.email]
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users],
        batch_size=BATCH,
    )
    learners, _ = Group.objects.get_or_create(name=str(Role.LEARNER))
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=user.pk, group_id=learners.pk) for user in users], batch_size=BATCH
    )
    for person, user in zip(new, users, strict=True):
        audit.add(user, "lms.account.create", **account_create_data(person))
        # user_create gives the Learner role through user_roles_set, which records it.
        audit.add(
            user,
            "lms.roles.change",
            **roles_change_data([], [str(Role.LEARNER)], is_superuser=False),
            on_behalf=False,
        )
    return {person.row.employee_number: user for person, user in zip(new, users, strict=True)}


def _memberships_write(
    people: list[PersonChange],
    state: OrganisationState,
    audit: _AuditLog,
    accounts: dict[int, User],
    user_of_number: dict[str, User],
    departments: dict[str, Department],
    job_roles: dict[str, JobRole],
) -> None:
    department_by_id = {d.pk: d for d in departments.values()}
    job_role_by_id = {r.pk: r for r in job_roles.values()}
    now = audit.now
    new, changed, snapshots = [], [], []
    for person in people:
        if not person.membership_changed:
            continue
        row = person.row
        user = user_of_number[row.employee_number]
        placement = state.placement_by_user.get(person.user_id) if person.user_id else None
        before = {}
        membership = Membership(user=user, source=MembershipSource.ROSTER, updated_at=now)
        if placement is not None:
            previous = Membership(
                pk=placement.membership_id,
                user=user,
                department=department_by_id.get(placement.department_id),
                job_role=job_role_by_id.get(placement.job_role_id),
                line_manager=accounts.get(placement.line_manager_id),
                employee_number=placement.employee_number,
                leaving_date=placement.leaving_date,
            )
            before = audit_snapshot(previous, MEMBERSHIP_FIELDS)
            membership.pk = placement.membership_id
        manager = row.line_manager_employee_number
        membership.department = departments[row.department_code]
        membership.job_role = job_roles.get(row.job_role_code)
        membership.line_manager = user_of_number[manager] if manager else None
        membership.employee_number = row.employee_number
        membership.leaving_date = row.leaving_date
        (changed if placement is not None else new).append(membership)
        snapshots.append((membership, before, audit_snapshot(membership, MEMBERSHIP_FIELDS)))
    Membership.objects.bulk_create(new, batch_size=BATCH)
    Membership.objects.bulk_update(
        changed, [*MEMBERSHIP_FIELDS, "source", "updated_at"], batch_size=BATCH
    )
    for membership, before, after in snapshots:
        audit.add(membership, "lms.membership.change", before=before, after=after)


def _lead_scopes_write(
    people: list[PersonChange],
    state: OrganisationState,
    audit: _AuditLog,
    user_of_number: dict[str, User],
    departments: dict[str, Department],
) -> None:
    grants, revoked, lead_role_users = [], [], []
    for person in people:
        user = user_of_number[person.row.employee_number]
        for code in person.grant_codes:
            grants.append(
                DepartmentLead(
                    user=user, department=departments[code], source=MembershipSource.ROSTER
                )
            )
        held = state.lead_grants.get(person.user_id, {}) if person.user_id else {}
        for code in person.revoke_codes:
            department = departments[code]
            grant = DepartmentLead(pk=held[department.pk][0], user=user, department=department)
            audit.add(
                grant, "lms.lead_scope.revoke", before={"user": str(user), "department": code}
            )
            revoked.append(grant.pk)
        if person.add_lead_role:
            lead_role_users.append(user)
    DepartmentLead.objects.filter(pk__in=revoked).delete()
    DepartmentLead.objects.bulk_create(grants, batch_size=BATCH)
    for grant in grants:
        audit.add(
            grant,
            "lms.lead_scope.grant",
            after={"user": str(grant.user), "department": grant.department.code},
        )
    if not lead_role_users:
        return
    through = User.groups.through
    role_names = {str(role) for role in Role}
    held_roles: dict[int, list[str]] = {}
    for user_id, name in through.objects.filter(
        user_id__in=[u.pk for u in lead_role_users], group__name__in=role_names
    ).values_list("user_id", "group__name"):
        held_roles.setdefault(user_id, []).append(name)
    leads, _ = Group.objects.get_or_create(name=str(Role.DEPARTMENT_LEAD))
    through.objects.bulk_create(
        [through(user_id=user.pk, group_id=leads.pk) for user in lead_role_users],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    for user in lead_role_users:
        before = held_roles.get(user.pk, [])
        after = [str(role) for role in roles_with_lead(before)]
        is_superuser = user.pk in state.accounts and state.accounts[user.pk].is_superuser
        audit.add(
            user, "lms.roles.change", **roles_change_data(before, after, is_superuser=is_superuser)
        )
