"""Applying a large roster in bulk: the same rows and the same audit entries as the services
write one at a time (tests compare the two), in a few statements per thousand people."""

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.audit import AUDIT_ACTIONS, audit_snapshot
from accounts.models import User
from accounts.roles import Role
from organisations.models import Department, DepartmentLead, JobRole, Membership, MembershipSource
from organisations.roster.inserts import date_value, datetime_value, json_value, rows_insert
from organisations.roster.plan import PersonChange, RosterPlan
from organisations.roster.state import Account, OrganisationState
from organisations.roster.writes import (
    account_create_data,
    account_email_change,
    departments_and_job_roles_write,
    email_change_data,
    roles_change_data,
    roles_with_lead,
)
from organisations.services import MEMBERSHIP_FIELDS

CHUNK = 2000


class Person:
    """Stands for an account in labels and snapshots, through the User model's own __str__,
    without building a model instance for each of 100,000 people."""

    get_full_name = User.get_full_name
    __str__ = User.__str__

    def __init__(self, pk: int | None, email: str, first_name: str, last_name: str, **flags):
        self.pk, self.email, self.first_name, self.last_name = pk, email, first_name, last_name
        self.is_active = flags.get("is_active", True)
        self.is_superuser = flags.get("is_superuser", False)

    @classmethod
    def of(cls, account: Account) -> "Person":
        return cls(
            account.user_id,
            account.email,
            account.first_name,
            account.last_name,
            is_active=account.is_active,
            is_superuser=account.is_superuser,
        )


class Place:
    """Stands for a membership in its label and audit snapshot (Membership's own __str__)."""

    __str__ = Membership.__str__

    def __init__(self, pk: int | None, user: Person, **fields):
        self.pk, self.user = pk, user
        for name in MEMBERSHIP_FIELDS:
            setattr(self, name, fields.get(name))


class _AuditLog:
    """Audit entries gathered in memory, shaped as accounts.audit.audit_record shapes them."""

    def __init__(self, *, actor: User | None, via: str, now: datetime):
        self.actor_id = actor.pk if actor is not None and actor.is_authenticated else None
        self.via = via
        self.now = now
        self.rows: list[tuple] = []

    def add(
        self,
        model: type[models.Model],
        instance: Any,
        action: str,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"Unknown audit action: {action}")
        data = {
            "before": dict(before or {}),
            "after": dict(after or {}),
            "via": self.via,
        }
        label = str(instance) or f"{model.__name__} object ({instance.pk})"
        self.rows.append((model, label, action, data, str(instance.pk), self.actor_id))

    def write(self) -> None:
        content_types = ContentType.objects.get_for_models(
            *{row[0] for row in self.rows}, for_concrete_models=False
        )
        timestamp = datetime_value(self.now)
        rows_insert(
            ModelLogEntry,
            ["content_type_id", "label", "action", "data", "object_id", "user_id", "timestamp"],
            (
                (content_types[model].pk, label, action, json_value(data), pk, actor, timestamp)
                for model, label, action, data, pk, actor in self.rows
            ),
            now=self.now,
        )


def roster_apply_in_bulk(
    plan: RosterPlan, state: OrganisationState, *, actor: User | None = None
) -> None:
    """Write the plan computed against `state`. Call inside the import's transaction."""
    now = timezone.now()
    audit = _AuditLog(actor=actor, via=plan.via, now=now)
    departments_and_job_roles_write(plan)
    departments = {d.code: d for d in Department.objects.all()}
    job_roles = {r.code: r for r in JobRole.objects.all()}
    people = plan.changed_people

    accounts: dict[int, Person] = {}

    def person_of(user_id: int) -> Person:
        if user_id not in accounts:
            accounts[user_id] = Person.of(state.accounts[user_id])
        return accounts[user_id]

    user_of_number = {
        **state.user_by_employee_number,
        **_accounts_create(people, audit, accounts, now),
    }
    for person in people:
        number = person.row.employee_number
        user_of_number.setdefault(number, person.user_id)
        if person.email_before:
            user = User.objects.get(pk=person.user_id)
            account_email_change(user, person.row.email)
            person_of(user.pk).email = user.email
            audit.add(
                User, person_of(user.pk), "lms.account.email_change", **email_change_data(person)
            )

    _memberships_write(people, state, audit, person_of, user_of_number, departments, job_roles)
    _lead_scopes_write(people, state, audit, person_of, user_of_number, departments)
    closing = [person_of(user_of_number[p.row.employee_number]) for p in people if p.deactivate]
    if plan.deactivate_missing:
        closing += [person_of(missing.user_id) for missing in plan.missing]
    closing = [user for user in closing if user.is_active]
    for user in closing:
        audit.add(
            User,
            user,
            "lms.account.deactivate",
            before={"is_active": True},
            after={"is_active": False},
        )
    for ids in _chunks([user.pk for user in closing]):
        User.objects.filter(pk__in=ids).update(is_active=False)
    audit.write()


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _accounts_create(
    people: list[PersonChange], audit: _AuditLog, accounts: dict[int, Person], now: datetime
) -> dict[str, int]:
    """New accounts as accounts.services.user_create makes them: a verified primary address,
    the Learner role and no usable password (people sign in through single sign-on or reset
    their password). Returns their ids by employee number."""
    new = [person for person in people if person.user_id is None]
    if not new:
        return {}
    rows_insert(
        User,
        ["email", "first_name", "last_name", "password"],
        (
            (
                p.row.email,
                p.row.given_name,
                p.row.family_name,
                # As make_password(None) makes it, from a faster source of randomness.
                UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            )
            for p in new
        ),
        now=now,
    )
    ids: dict[str, int] = {}
    for emails in _chunks([p.row.email for p in new]):
        ids.update(User.objects.filter(email__in=emails).values_list("email", "pk"))
    rows_insert(
        EmailAddress,
        ["user_id", "email", "primary", "verified"],
        ((ids[p.row.email], p.row.email, True, True) for p in new),
        now=now,
    )
    learners, _ = Group.objects.get_or_create(name=str(Role.LEARNER))
    rows_insert(
        User.groups.through,
        ["user_id", "group_id"],
        ((ids[p.row.email], learners.pk) for p in new),
        now=now,
    )
    created = {}
    for person in new:
        row = person.row
        user = Person(ids[row.email], row.email, row.given_name, row.family_name)
        accounts[user.pk] = user
        created[row.employee_number] = user.pk
        audit.add(User, user, "lms.account.create", **account_create_data(person))
        # user_create gives the Learner role through user_roles_set, which records it.
        audit.add(
            User,
            user,
            "lms.roles.change",
            **roles_change_data([], [str(Role.LEARNER)], is_superuser=False),
        )
    return created


def _memberships_write(
    people: list[PersonChange],
    state: OrganisationState,
    audit: _AuditLog,
    person_of,
    user_of_number: dict[str, int],
    departments: dict[str, Department],
    job_roles: dict[str, JobRole],
) -> None:
    department_by_id = {d.pk: d for d in departments.values()}
    job_role_by_id = {r.pk: r for r in job_roles.values()}
    new, changed, entries = [], [], []
    for person in people:
        if not person.membership_changed:
            continue
        row = person.row
        user = person_of(user_of_number[row.employee_number])
        placement = state.placement_by_user.get(person.user_id) if person.user_id else None
        manager = row.line_manager_employee_number
        after = Place(
            placement.membership_id if placement else None,
            user,
            department=departments[row.department_code],
            job_role=job_roles.get(row.job_role_code),
            line_manager=person_of(user_of_number[manager]) if manager else None,
            employee_number=row.employee_number,
            leaving_date=row.leaving_date,
        )
        before = {}
        if placement is not None:
            before = audit_snapshot(
                Place(
                    placement.membership_id,
                    user,
                    department=department_by_id.get(placement.department_id),
                    job_role=job_role_by_id.get(placement.job_role_id),
                    line_manager=person_of(placement.line_manager_id)
                    if placement.line_manager_id
                    else None,
                    employee_number=placement.employee_number,
                    leaving_date=placement.leaving_date,
                ),
                MEMBERSHIP_FIELDS,
            )
        (changed if placement else new).append(after)
        entries.append((after, before, audit_snapshot(after, MEMBERSHIP_FIELDS)))
    rows_insert(
        Membership,
        [
            "user_id",
            "department_id",
            "job_role_id",
            "line_manager_id",
            "employee_number",
            "leaving_date",
            "source",
        ],
        (
            (
                place.user.pk,
                place.department.pk,
                place.job_role.pk if place.job_role else None,
                place.line_manager.pk if place.line_manager else None,
                place.employee_number,
                date_value(place.leaving_date),
                MembershipSource.ROSTER.value,
            )
            for place in new
        ),
        now=audit.now,
    )
    for places in _chunks(new):
        ids = dict(
            Membership.objects.filter(user_id__in=[p.user.pk for p in places]).values_list(
                "user_id", "pk"
            )
        )
        for place in places:
            place.pk = ids[place.user.pk]
    Membership.objects.bulk_update(
        [
            Membership(
                pk=place.pk,
                department_id=place.department.pk,
                job_role_id=place.job_role.pk if place.job_role else None,
                line_manager_id=place.line_manager.pk if place.line_manager else None,
                employee_number=place.employee_number,
                leaving_date=place.leaving_date,
                source=MembershipSource.ROSTER,
                updated_at=audit.now,
            )
            for place in changed
        ],
        [
            "department_id",
            "job_role_id",
            "line_manager_id",
            "employee_number",
            "leaving_date",
            "source",
            "updated_at",
        ],
        batch_size=CHUNK,
    )
    for place, before, after in entries:
        audit.add(Membership, place, "lms.membership.change", before=before, after=after)


def _lead_scopes_write(
    people: list[PersonChange],
    state: OrganisationState,
    audit: _AuditLog,
    person_of,
    user_of_number: dict[str, int],
    departments: dict[str, Department],
) -> None:
    grants, revoked, lead_role_users = [], [], []
    for person in people:
        user = person_of(user_of_number[person.row.employee_number])
        for code in person.grant_codes:
            grants.append((user, departments[code]))
        held = state.lead_grants.get(person.user_id, {}) if person.user_id else {}
        for code in person.revoke_codes:
            grant = _Grant(held[departments[code].pk][0], user, departments[code])
            audit.add(
                DepartmentLead,
                grant,
                "lms.lead_scope.revoke",
                before={"user": str(user), "department": code},
            )
            revoked.append(grant.pk)
        if person.add_lead_role:
            lead_role_users.append(user)
    DepartmentLead.objects.filter(pk__in=revoked).delete()
    created = DepartmentLead.objects.bulk_create(
        [
            DepartmentLead(user_id=user.pk, department=department, source=MembershipSource.ROSTER)
            for user, department in grants
        ]
    )
    for grant, (user, department) in zip(created, grants, strict=True):
        audit.add(
            DepartmentLead,
            _Grant(grant.pk, user, department),
            "lms.lead_scope.grant",
            after={"user": str(user), "department": department.code},
        )
    if lead_role_users:
        _lead_role_add(lead_role_users, audit)


class _Grant:
    """Stands for a lead grant in its label (DepartmentLead's own __str__)."""

    __str__ = DepartmentLead.__str__

    def __init__(self, pk: int, user: Person, department: Department):
        self.pk, self.user, self.department = pk, user, department


def _lead_role_add(users: list[Person], audit: _AuditLog) -> None:
    through = User.groups.through
    role_names = {str(role) for role in Role}
    held_roles: dict[int, list[str]] = {}
    for user_id, name in through.objects.filter(
        user_id__in=[u.pk for u in users], group__name__in=role_names
    ).values_list("user_id", "group__name"):
        held_roles.setdefault(user_id, []).append(name)
    leads, _ = Group.objects.get_or_create(name=str(Role.DEPARTMENT_LEAD))
    through.objects.bulk_create(
        [through(user_id=user.pk, group_id=leads.pk) for user in users], ignore_conflicts=True
    )
    for user in users:
        before = held_roles.get(user.pk, [])
        after = [str(role) for role in roles_with_lead(before)]
        audit.add(
            User,
            user,
            "lms.roles.change",
            **roles_change_data(before, after, is_superuser=user.is_superuser),
        )
