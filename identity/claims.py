"""What an identity provider asserts about a person, applied to their account and membership."""

import logging
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import FirstSteps, User
from accounts.roles import Role
from accounts.services import user_create
from identity.models import IdentityProvider
from organisations.models import Department, JobRole, Membership, MembershipSource
from organisations.selectors import departments_matching, job_role_matching
from organisations.services import membership_set

logger = logging.getLogger(__name__)


class ClaimsError(Exception):
    """The identity provider's assertion cannot sign anyone in; the message says why."""


@dataclass(frozen=True)
class IdentityClaims:
    """The facts one sign-in asserted. Empty text means the provider did not assert it."""

    email: str
    given_name: str = ""
    family_name: str = ""
    department: str = ""  # a department's code or name
    job_role: str = ""  # a job role's code or name
    line_manager_employee_number: str = ""
    employee_number: str = ""
    mfa_used: bool = False


def text_claim(value: object) -> str:
    """A claim as stripped text: the first of a list (SAML attributes are lists), "" for none."""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if value is None or isinstance(value, dict):
        return ""
    return str(value).strip()


@transaction.atomic
def identity_claims_apply(
    *, provider: IdentityProvider, claims: IdentityClaims, user: User | None = None
) -> User:
    """Sign-in's account and membership from what the provider asserted.

    `user` is the account this provider's subject is already linked to; without it the
    address finds the account, which a provider may only join when it answers for the
    address's domain, or a new account is created (verified address, Learner, no password).
    Fields the provider is configured to carry follow its claims on every sign-in: a value
    that is missing now clears the field, an unknown one too (logged), so access the
    provider withdrew is gone. An inactive account is left as it is.
    """
    email = claims.email.strip().lower()
    if not email or "@" not in email:
        raise ClaimsError(
            _("%(provider)s did not say which email address you use.") % {"provider": provider.name}
        )
    if user is None:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and email.rpartition("@")[2] not in provider.domains():
            raise ClaimsError(
                _(
                    "An account for %(email)s already exists on this service, and %(provider)s "
                    "does not sign in that email domain. Sign in with your password instead."
                )
                % {"email": email, "provider": provider.name}
            )
    if user is None:
        user = user_create(
            email=email,
            password=None,
            first_name=claims.given_name or email.partition("@")[0],
            last_name=claims.family_name,
            email_verified=True,
            roles=[Role.LEARNER],
            via=provider.name,
            # Asked for their place after this sign-in unless the provider gives it.
            first_steps=FirstSteps.DUE,
        )
    elif not user.is_active:
        return user
    else:
        _names_update(user, claims)
        EmailAddress.objects.filter(user=user, email__iexact=email).update(verified=True)
    _membership_apply(provider=provider, claims=claims, user=user)
    return user


def _names_update(user: User, claims: IdentityClaims) -> None:
    first_name = claims.given_name or user.first_name
    last_name = claims.family_name if claims.family_name else user.last_name
    if (first_name, last_name) != (user.first_name, user.last_name):
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])


def _membership_apply(*, provider: IdentityProvider, claims: IdentityClaims, user: User) -> None:
    current = Membership.objects.filter(user=user).select_related("department", "job_role").first()
    department = current.department if current else None
    job_role = current.job_role if current else None
    changes: dict = {}
    if provider.department_claim:
        department = _department_for(claims.department, provider=provider, user=user)
    if provider.job_role_claim:
        job_role = _job_role_for(claims.job_role, provider=provider, user=user)
    if provider.employee_number_claim:
        number = claims.employee_number or None
        if number and Membership.objects.filter(employee_number=number).exclude(user=user).exists():
            logger.warning(
                "%s: employee number %s for user %s is held by another person; kept as it was.",
                provider.name,
                number,
                user.pk,
            )
        else:
            changes["employee_number"] = number
    if provider.line_manager_claim:
        changes["line_manager"] = _line_manager_for(
            claims.line_manager_employee_number, provider=provider, user=user
        )
    if current is None and department is None and job_role is None and not any(changes.values()):
        return
    fields = {
        "user": user,
        "department": department,
        "job_role": job_role,
        "source": MembershipSource.IDENTITY_PROVIDER,
        "via": provider.name,
    }
    try:
        membership_set(**fields, **changes)
    except ValidationError as problem:
        # Only the line manager can make the membership invalid here (a loop of managers).
        logger.warning("%s: %s; line manager kept as it was.", provider.name, problem.messages)
        changes.pop("line_manager", None)
        membership_set(**fields, **changes)


def _department_for(value: str, *, provider: IdentityProvider, user: User) -> Department | None:
    if not value:
        return None
    matches = departments_matching(value)
    if len(matches) != 1:
        # Never invent (or guess) a department: the HR roster or an administrator creates them.
        logger.warning("%s: unknown department %r for user %s.", provider.name, value, user.pk)
        return None
    return matches[0]


def _job_role_for(value: str, *, provider: IdentityProvider, user: User) -> JobRole | None:
    if not value:
        return None
    job_role = job_role_matching(value)
    if job_role is None:
        logger.warning("%s: unknown job role %r for user %s.", provider.name, value, user.pk)
    return job_role


def _line_manager_for(value: str, *, provider: IdentityProvider, user: User) -> User | None:
    if not value:
        return None
    manager = (
        User.objects.filter(membership__employee_number=value, is_active=True)
        .exclude(pk=user.pk)
        .first()
    )
    if manager is None:
        logger.warning(
            "%s: no active person has employee number %r (line manager of user %s).",
            provider.name,
            value,
            user.pk,
        )
    return manager
