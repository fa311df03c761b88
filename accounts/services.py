"""Writes for accounts: creating people, giving them roles, keeping role groups in step."""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.audit import audit_record
from accounts.models import FirstSteps, SecurityPolicy, User
from accounts.roles import Role
from accounts.selectors import (
    SECURITY_POLICY_FLAGS,
    declared_role_permissions,
    security_policy_snapshot,
    user_roles_snapshot,
)


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str = "",
    email_verified: bool = False,
    roles: Iterable[Role] = (Role.LEARNER,),
    actor: User | None = None,
    via: str = "",
    first_steps: str = FirstSteps.NOT_ASKED,
) -> User:
    """Create a person with a primary email address (verified or not) and their roles; the
    roles' audit entry names `actor` or the authority `via` which the account came.
    `first_steps` DUE asks them for their department and job role at their first sign-in."""
    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        first_steps=first_steps,
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    user_roles_set(user=user, roles=roles, actor=actor, via=via)
    return user


@transaction.atomic
def user_upsert(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str = "",
    roles: Iterable[Role],
) -> tuple[User, bool]:
    """Create a person with a verified address, or bring an existing one in line (idempotent)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return (
            user_create(
                email=email,
                password=password,
                first_name=first_name,
                last_name=last_name,
                email_verified=True,
                roles=roles,
            ),
            True,
        )
    user.first_name, user.last_name = first_name, last_name
    user.set_password(password)
    user.save(update_fields=["first_name", "last_name", "password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
    user_roles_set(user=user, roles=roles)
    return user, False


@transaction.atomic
def user_roles_set(
    *, user: User, roles: Iterable[Role], actor: User | None = None, via: str = ""
) -> None:
    """Replace a person's role groups with exactly `roles`; other groups are left alone.
    Audited when the roles changed."""
    before = user_roles_snapshot(user)
    wanted = {Role(role) for role in roles}
    groups = [Group.objects.get_or_create(name=str(role))[0] for role in wanted]
    role_names = [str(role) for role in Role]
    user.groups.remove(*user.groups.filter(name__in=role_names).exclude(name__in=wanted))
    user.groups.add(*groups)
    user_roles_audit(user=user, before=before, actor=actor, via=via)


def user_roles_audit(*, user: User, before: dict, actor: User | None = None, via: str = "") -> None:
    """Record a change of roles made here or in the CMS's user screens, if there was one."""
    after = user_roles_snapshot(user)
    if after != before:
        audit_record(
            instance=user,
            action="lms.roles.change",
            actor=actor,
            before=before,
            after=after,
            via=via,
        )


@transaction.atomic
def role_groups_sync(*, using: str = "default") -> dict[str, int]:
    """Create the role groups and grant each the permissions apps declare. Idempotent.

    Permissions that do not exist yet (an app not migrated so far) are skipped; the next
    migrate grants them. Returns how many permissions each group holds.
    """
    counts: dict[str, int] = {}
    for role, wanted in declared_role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        permissions = list(_permissions_named(wanted, using=using))
        group.permissions.add(*permissions)
        counts[role] = group.permissions.count()
    for config in apps.get_app_configs():
        grant = getattr(config, "grant_role_object_permissions", None)
        if grant is not None:
            grant(using=using)
    return counts


def _permissions_named(names: set[str], *, using: str) -> Iterable[Permission]:
    by_app: dict[str, set[str]] = {}
    for name in names:
        app_label, codename = name.split(".", 1)
        by_app.setdefault(app_label, set()).add(codename)
    for app_label, codenames in by_app.items():
        yield from Permission.objects.using(using).filter(
            content_type__app_label=app_label, codename__in=codenames
        )


@transaction.atomic
def user_name_update(*, user: User, first_name: str, last_name: str) -> User:
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name"])
    return user


@transaction.atomic
def security_policy_update(
    *, actor: User | None = None, via: str = "", **flags: bool
) -> SecurityPolicy:
    """Set which roles must use MFA: security_policy_update(require_mfa_for_cto_office=True).
    Audited when a flag changed; the CMS's settings form saves through here too."""
    unknown = sorted(set(flags) - set(SECURITY_POLICY_FLAGS))
    if unknown:
        raise ValueError(f"Unknown security policy flag: {unknown[0]}")
    policy = SecurityPolicy.load()
    before = security_policy_snapshot(policy)
    for name, value in flags.items():
        setattr(policy, name, bool(value))
    policy.save()
    security_policy_audit(policy=policy, before=before, actor=actor, via=via)
    return policy


def security_policy_audit(
    *, policy: SecurityPolicy, before: dict, actor: User | None = None, via: str = ""
) -> None:
    """Record a change to the policy made here or in the CMS's settings, if there was one."""
    after = security_policy_snapshot(policy)
    if after != before:
        audit_record(
            instance=policy,
            action="lms.security_policy.change",
            actor=actor,
            before=before,
            after=after,
            via=via,
        )


def user_deactivate(*, user: User, actor: User | None = None, via: str = "") -> bool:
    """Close a person's account: they can no longer sign in, and every session they have ends
    on its next request (Django refuses inactive users). Their learning records stay, under the
    pseudonymous xAPI identity; erasing them is a separate, deliberate act. False when the
    account was already closed."""
    return _user_active_set(user=user, active=False, actor=actor, via=via)


def user_reactivate(*, user: User, actor: User | None = None, via: str = "") -> bool:
    """Open a closed account again (a rehire, or a deprovisioning undone)."""
    return _user_active_set(user=user, active=True, actor=actor, via=via)


@transaction.atomic
def _user_active_set(*, user: User, active: bool, actor: User | None, via: str) -> bool:
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        instance=user,
        action="lms.account.reactivate" if active else "lms.account.deactivate",
        actor=actor,
        before={"is_active": not active},
        after={"is_active": active},
        via=via,
    )
    return True
