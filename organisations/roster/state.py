"""What the organisation holds now, read in a few queries so a roster of any size is compared
in memory."""

from dataclasses import dataclass, field
from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from organisations.models import Department, DepartmentLead, JobRole, Membership


@dataclass(frozen=True)
class Account:
    user_id: int
    email: str
    first_name: str
    last_name: str
    is_active: bool
    is_superuser: bool


@dataclass(frozen=True)
class Placement:
    membership_id: int
    user_id: int
    department_id: int | None
    job_role_id: int | None
    line_manager_id: int | None
    employee_number: str | None
    leaving_date: date | None
    source: str


@dataclass
class OrganisationState:
    departments: dict[str, Department] = field(default_factory=dict)
    job_roles: dict[str, JobRole] = field(default_factory=dict)
    accounts: dict[int, Account] = field(default_factory=dict)
    account_by_email: dict[str, int] = field(default_factory=dict)
    # Verified addresses are unique across accounts, secondary ones included.
    verified_address_owner: dict[str, int] = field(default_factory=dict)
    placement_by_user: dict[int, Placement] = field(default_factory=dict)
    user_by_employee_number: dict[str, int] = field(default_factory=dict)
    # user id -> {department id: (grant id, source)}
    lead_grants: dict[int, dict[int, tuple[int, str]]] = field(default_factory=dict)
    department_leads: set[int] = field(default_factory=set)

    @property
    def department_by_id(self) -> dict[int, Department]:
        return {department.pk: department for department in self.departments.values()}

    @property
    def job_role_by_id(self) -> dict[int, JobRole]:
        return {role.pk: role for role in self.job_roles.values()}


def organisation_state() -> OrganisationState:
    """Departments, job roles, accounts, placements and lead grants as they are now."""
    state = OrganisationState()
    state.departments = {d.code: d for d in Department.objects.select_related("parent")}
    state.job_roles = {role.code: role for role in JobRole.objects.all()}
    for values in User.objects.values_list(
        "pk", "email", "first_name", "last_name", "is_active", "is_superuser"
    ).iterator(chunk_size=20_000):
        account = Account(*values)
        state.accounts[account.user_id] = account
        state.account_by_email[account.email.lower()] = account.user_id
    for email, user_id in (
        EmailAddress.objects.filter(verified=True)
        .values_list("email", "user_id")
        .iterator(chunk_size=20_000)
    ):
        state.verified_address_owner[email.lower()] = user_id
    for values in Membership.objects.values_list(
        "pk",
        "user_id",
        "department_id",
        "job_role_id",
        "line_manager_id",
        "employee_number",
        "leaving_date",
        "source",
    ).iterator(chunk_size=20_000):
        placement = Placement(*values)
        state.placement_by_user[placement.user_id] = placement
        if placement.employee_number:
            state.user_by_employee_number[placement.employee_number] = placement.user_id
    for pk, user_id, department_id, source in DepartmentLead.objects.values_list(
        "pk", "user_id", "department_id", "source"
    ):
        state.lead_grants.setdefault(user_id, {})[department_id] = (pk, source)
    state.department_leads = set(
        Group.objects.filter(name=str(Role.DEPARTMENT_LEAD)).values_list("user", flat=True)
    ) - {None}
    return state
