"""What an identity provider asserts about a person, and applying it to their account and membership."""

import logging
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from identity.models import IdentityProvider
from organisations.models import Department, JobRole, Membership, MembershipSource
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
