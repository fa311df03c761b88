"""Writes for SCIM: tokens, and the people and groups an identity provider provisions.

Each write is one transaction: a request that fails part-way leaves nothing behind. A person's
place in the organisation is written only through organisations.services.membership_set, their
account closed and reopened only through accounts.services.
"""

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create, user_deactivate, user_reactivate, user_roles_set
from organisations.models import Department, JobRole, Membership, MembershipSource
from organisations.selectors import departments_matching, job_role_matching
from organisations.services import membership_set
from provisioning.models import (
    ProvisionedGroup,
    ProvisionedUser,
    ProvisioningToken,
    TokenScope,
    token_digest,
)
from provisioning.scim.errors import ScimError, invalid_value
from provisioning.scim.groups import GroupInput
from provisioning.scim.users import UserInput

TOKEN_PREFIX = "scim_"  # noqa: S105 (a prefix that tells a leaked token apart, no secret)


def uniqueness(detail: str) -> ScimError:
    return ScimError(409, detail, "uniqueness")


# Tokens


@transaction.atomic
def provisioning_token_create(
    *, name: str, scopes: Iterable[str], actor: User | None = None, via: str = ""
) -> tuple[ProvisioningToken, str]:
    """A new token, and its secret: shown once, never stored (only its hash is)."""
    scopes = sorted({TokenScope(scope).value for scope in scopes})
    if not scopes:
        raise ValueError("A token needs at least one scope.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ProvisioningToken(
        name=name.strip(), digest=token_digest(secret), scopes=scopes, created_by=actor
    )
    token.full_clean()
    token.save()
    audit_record(
        instance=token,
        action="lms.scim_token.change",
        actor=actor,
        after={"name": token.name, "scopes": scopes, "revoked": False},
        via=via,
    )
    return token, secret


@transaction.atomic
def provisioning_token_revoke(
    *, token: ProvisioningToken, actor: User | None = None, via: str = ""
) -> bool:
    """Stop a token working from its next request. False when it was already revoked."""
    token = ProvisioningToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        instance=token,
        action="lms.scim_token.change",
        actor=actor,
        before={"name": token.name, "scopes": token.scopes, "revoked": False},
        after={"name": token.name, "scopes": token.scopes, "revoked": True},
        via=via,
    )
    return True


def provisioning_token_used(*, token: ProvisioningToken) -> None:
    """Note when a token was last used, at most once a minute (one UPDATE, often of no row)."""
    now = timezone.now()
    ProvisioningToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at=None) | Q(last_used_at__lt=now - timezone.timedelta(minutes=1))
    ).update(last_used_at=now)


# Users


@dataclass(frozen=True)
class Placement:
    department: Department | None
    job_role: JobRole | None
    line_manager: User | None
    employee_number: str | None


@transaction.atomic
def scim_user_create(*, data: UserInput, token: ProvisioningToken) -> ProvisionedUser:
    """Provision a person. An account that already has their email address (signed up before,
    or deleted from SCIM earlier) is taken over, with its learning records, under a new id."""
    _check_user_name_free(data.user_name, record=None)
    user = User.objects.filter(email__iexact=data.email).first()
    record = ProvisionedUser.objects.filter(user=user).first() if user else None
    if record is not None and record.deleted_at is None:
        raise uniqueness(f"{data.email} already belongs to the user {record.user_name!r}.")
    placement = _placement(data, user=user)
    if user is None:
        user = user_create(
            email=data.email,
            password=None,
            first_name=data.given_name,
            last_name=data.family_name,
            email_verified=True,
            roles=[Role.LEARNER],
            via=token.name,
        )
        audit_record(
            instance=user,
            action="lms.account.create",
            after={"email": user.email, "userName": data.user_name},
            via=token.name,
        )
    if record is None:
        record = ProvisionedUser(user=user)
    else:
        # A deleted id stays deleted (RFC 7644 §3.6): the person comes back under a new one.
        record.scim_id, record.deleted_at, record.created_at = uuid.uuid4(), None, timezone.now()
    data = data if data.active is not None else _with_active(data, True)
    return _person_write(record=record, data=data, placement=placement, token=token)


@transaction.atomic
def scim_user_update(
    *, record: ProvisionedUser, data: UserInput, token: ProvisioningToken
) -> ProvisionedUser:
    """Replace what SCIM says about a person (a PUT, or the result of a PATCH)."""
    record = ProvisionedUser.objects.select_for_update().select_related("user").get(pk=record.pk)
    _check_user_name_free(data.user_name, record=record)
    placement = _placement(data, user=record.user)
    return _person_write(record=record, data=data, placement=placement, token=token)


@transaction.atomic
def scim_user_delete(*, record: ProvisionedUser, token: ProvisioningToken) -> None:
    """Deprovision: the account closes (every session ends) and SCIM no longer shows it. The
    learning records stay; erasing them is a separate, deliberate act."""
    record = ProvisionedUser.objects.select_for_update().select_related("user").get(pk=record.pk)
    record.deleted_at = timezone.now()
    record.save(update_fields=["deleted_at", "updated_at"])
    user_deactivate(user=record.user, via=token.name)


def _with_active(data: UserInput, active: bool) -> UserInput:
    return UserInput(**{**data.__dict__, "active": active})


def _check_user_name_free(user_name: str, *, record: ProvisionedUser | None) -> None:
    taken = ProvisionedUser.objects.filter(deleted_at=None, user_name__iexact=user_name)
    if record is not None:
        taken = taken.exclude(pk=record.pk)
    if taken.exists():
        raise uniqueness(f"The userName {user_name!r} is already in use.")


def _placement(data: UserInput, *, user: User | None) -> Placement:
    """Departments, job roles and managers are matched, never created: an unknown one is a 400,
    so a typo in the identity provider cannot invent a department."""
    department = None
    if data.department:
        matches = departments_matching(data.department)
        if len(matches) != 1:
            raise invalid_value(
                f"No department has the code or name {data.department!r}."
                if not matches
                else f"Several departments are named {data.department!r}: send the code."
            )
        department = matches[0]
    job_role = None
    if data.title:
        job_role = job_role_matching(data.title)
        if job_role is None:
            raise invalid_value(f"No job role has the name or code {data.title!r} (title).")
    line_manager = None
    if data.manager_id:
        line_manager = _manager(data.manager_id)
        if user is not None and line_manager.pk == user.pk:
            raise invalid_value("A person cannot be their own manager.")
    if data.employee_number:
        holders = Membership.objects.filter(employee_number=data.employee_number)
        if user is not None:
            holders = holders.exclude(user=user)
        if holders.exists():
            raise uniqueness(f"The employeeNumber {data.employee_number!r} is already in use.")
    return Placement(department, job_role, line_manager, data.employee_number)


def _manager(scim_id: str) -> User:
    try:
        key = uuid.UUID(scim_id)
    except ValueError:
        key = None
    record = (
        ProvisionedUser.objects.filter(scim_id=key, deleted_at=None).select_related("user").first()
        if key
        else None
    )
    if record is None:
        raise invalid_value(f"No user has the id {scim_id!r} (manager).")
    return record.user


def _person_write(
    *, record: ProvisionedUser, data: UserInput, placement: Placement, token: ProvisioningToken
) -> ProvisionedUser:
    user = record.user
    if user.email != data.email:
        _email_change(user=user, email=data.email)
    if (user.first_name, user.last_name) != (data.given_name, data.family_name):
        user.first_name, user.last_name = data.given_name, data.family_name
        user.save(update_fields=["first_name", "last_name"])
    record.user_name, record.external_id = data.user_name, data.external_id or ""
    record.save()
    has_membership = Membership.objects.filter(user=user).exists()
    if has_membership or any(placement.__dict__.values()):
        try:
            membership_set(
                user=user,
                department=placement.department,
                job_role=placement.job_role,
                line_manager=placement.line_manager,
                employee_number=placement.employee_number,
                source=MembershipSource.SCIM,
                via=token.name,
            )
        except ValidationError as error:
            raise invalid_value(" ".join(error.messages)) from error
    if data.active is False:
        user_deactivate(user=user, via=token.name)
    elif data.active is True:
        user_reactivate(user=user, via=token.name)
    return record


def _email_change(*, user: User, email: str) -> None:
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise uniqueness(f"{email} already belongs to another account.")
    if EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists():
        raise uniqueness(f"{email} already belongs to another account.")
    user.email = email
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).delete()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )


# Groups


def role_named(name: str) -> Role | None:
    return next((role for role in Role if role.value.lower() == name.strip().lower()), None)


@transaction.atomic
def scim_group_create(*, data: GroupInput, token: ProvisioningToken) -> ProvisionedGroup:
    """A group, or the group of a platform role when its name is one (its members then hold
    that role). A Django group of that name that SCIM does not know yet is taken over."""
    role = role_named(data.display_name)
    name = role.value if role else data.display_name
    group = Group.objects.filter(name=name).first()
    if group is not None and ProvisionedGroup.objects.filter(group=group).exists():
        raise uniqueness(f"The group {name!r} already exists.")
    group = group or Group.objects.create(name=name)
    record = ProvisionedGroup.objects.create(group=group, external_id=data.external_id or "")
    _members_set(record=record, member_ids=data.member_ids, token=token)
    return record


@transaction.atomic
def scim_group_update(
    *, record: ProvisionedGroup, data: GroupInput, token: ProvisioningToken
) -> ProvisionedGroup:
    record = ProvisionedGroup.objects.select_for_update().select_related("group").get(pk=record.pk)
    group = record.group
    if data.display_name != group.name:
        if role_named(group.name) is not None:
            raise ScimError(
                400, f"The group of the role {group.name!r} keeps its name.", "mutability"
            )
        if role_named(data.display_name) or Group.objects.filter(name=data.display_name).exists():
            raise uniqueness(f"The group {data.display_name!r} already exists.")
        group.name = data.display_name
        group.save(update_fields=["name"])
    record.external_id = data.external_id or ""
    record.save()
    _members_set(record=record, member_ids=data.member_ids, token=token)
    return record


@transaction.atomic
def scim_group_delete(*, record: ProvisionedGroup, token: ProvisioningToken) -> None:
    """Delete a group. A role's group stays (the platform needs it): the people SCIM put in it
    lose the role, and SCIM no longer shows it."""
    record = ProvisionedGroup.objects.select_for_update().select_related("group").get(pk=record.pk)
    _members_set(record=record, member_ids=(), token=token)
    if role_named(record.group.name) is not None:
        record.delete()
    else:
        record.group.delete()


def _members_set(*, record: ProvisionedGroup, member_ids: Iterable[str], token: ProvisioningToken):
    """Make the provisioned people in the group exactly these; people SCIM does not provision
    (given the group by an administrator) are neither shown nor touched."""
    wanted = _provisioned_users(member_ids)
    group = record.group
    current = set(group.user_set.filter(scim_record__isnull=False, scim_record__deleted_at=None))
    role = role_named(group.name)
    for user in sorted(wanted - current, key=lambda u: u.pk):
        _group_change(user=user, group=group, role=role, join=True, token=token)
    for user in sorted(current - wanted, key=lambda u: u.pk):
        _group_change(user=user, group=group, role=role, join=False, token=token)


def _provisioned_users(member_ids: Iterable[str]) -> set[User]:
    keys = {}
    for member_id in member_ids:
        try:
            keys[uuid.UUID(member_id)] = member_id
        except ValueError:
            raise invalid_value(f"No user has the id {member_id!r} (members).") from None
    found = ProvisionedUser.objects.filter(scim_id__in=keys, deleted_at=None).select_related("user")
    by_key = {record.scim_id: record.user for record in found}
    missing = [member_id for key, member_id in keys.items() if key not in by_key]
    if missing:
        raise invalid_value(f"No user has the id {missing[0]!r} (members).")
    return set(by_key.values())


def _group_change(*, user: User, group: Group, role: Role | None, join: bool, token) -> None:
    if role is not None:
        held = {
            Role(name) for name in user.groups.values_list("name", flat=True) if role_named(name)
        }
        roles = (held | {role}) if join else (held - {role})
        user_roles_set(user=user, roles=roles, via=token.name)  # audited there
        return
    before = sorted(user.groups.values_list("name", flat=True))
    if join:
        group.user_set.add(user)
    else:
        group.user_set.remove(user)
    # A plain group grants whatever permissions an administrator gave it: audited as well.
    audit_record(
        instance=user,
        action="lms.roles.change",
        before={"groups": before},
        after={"groups": sorted(user.groups.values_list("name", flat=True))},
        via=token.name,
    )
