"""Reads for accounts: who holds which role, what each role is granted, and the snapshots of
roles and of the security policy that the audit trail compares before and after a change."""

from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from accounts.audit import audit_snapshot
from accounts.models import SecurityPolicy, User
from accounts.roles import Role

SECURITY_POLICY_FLAGS = (
    "require_mfa_for_administrators",
    "require_mfa_for_cto_office",
    "require_mfa_for_department_leads",
    "require_mfa_for_training_leads",
)


def user_role_names(user: User | AnonymousUser) -> frozenset[str]:
    """The role names a person holds, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        role_names = [str(role) for role in Role]
        cached = frozenset(user.groups.filter(name__in=role_names).values_list("name", flat=True))
        user._role_names = cached
    return cached


def user_roles_snapshot(user: User) -> dict:
    """A person's roles (in the order of Role) and whether they are a superuser, for the audit
    trail; a person not saved yet has none."""
    held = set()
    if user.pk is not None:
        held = set(
            user.groups.filter(name__in=[str(r) for r in Role]).values_list("name", flat=True)
        )
    return {
        "roles": [str(role) for role in Role if str(role) in held],
        "is_superuser": bool(user.is_superuser),
    }


def declared_role_permissions() -> dict[str, set[str]]:
    """Collect 'app_label.codename' permissions per role from every app's `role_permissions`."""
    declared: dict[str, set[str]] = {str(role): set() for role in Role}
    for config in apps.get_app_configs():
        for role, permissions in getattr(config, "role_permissions", {}).items():
            declared[str(Role(role))].update(permissions)
    return declared


def security_policy_snapshot(policy: SecurityPolicy) -> dict:
    """Which roles the policy makes use MFA, for the audit trail."""
    return audit_snapshot(policy, SECURITY_POLICY_FLAGS)
