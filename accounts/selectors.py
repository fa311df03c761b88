"""Reads for accounts: who holds which role."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import Role


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
