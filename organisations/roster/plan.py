"""Comparing a roster with the organisation: every cross-row problem, or the change to make."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from organisations.models import MembershipSource
from organisations.roster.parse import ParsedRoster, RosterProblem, RosterRow
from organisations.roster.state import OrganisationState

NEW, LEAVING, MOVED, UPDATED, UNCHANGED = "new", "leaving", "moved", "updated", "unchanged"
PERSON_KINDS = (NEW, MOVED, LEAVING, UPDATED, UNCHANGED)
MOVE_FIELDS = ("department", "job_role", "line_manager")


@dataclass(frozen=True)
class DepartmentChange:
    line: int
    code: str
    name: str
    parent_code: str | None
    before: tuple[str, str | None] | None  # (name, parent code); None: a new department


@dataclass(frozen=True)
class JobRoleChange:
    line: int
    code: str
    name: str
    before_name: str | None  # None: a new job role


@dataclass(frozen=True)
class PersonChange:
    row: RosterRow
    kind: str
    user_id: int | None  # the existing account; None: the import creates one
    has_membership: bool
    # (what, before, after) as a reader of the change sees them
    changes: tuple[tuple[str, str, str], ...] = ()
    membership_changed: bool = False
    email_before: str | None = None
    deactivate: bool = False
    grant_codes: tuple[str, ...] = ()
    revoke_codes: tuple[str, ...] = ()
    add_lead_role: bool = False
    account_closed: bool = False  # listed as staff, but the account was closed earlier


@dataclass(frozen=True)
class MissingPerson:
    user_id: int
    employee_number: str
    email: str
    name: str


@dataclass
class RosterPlan:
    file_name: str
    today: date
    deactivate_missing: bool
    departments: list[DepartmentChange] = field(default_factory=list)
    job_roles: list[JobRoleChange] = field(default_factory=list)
    people: list[PersonChange] = field(default_factory=list)
    missing: list[MissingPerson] = field(default_factory=list)

    @property
    def via(self) -> str:
        return f"HR roster {self.file_name}"

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(PERSON_KINDS, 0)
        for person in self.people:
            counts[person.kind] += 1
        counts["missing"] = len(self.missing)
        counts["departments_added"] = sum(1 for d in self.departments if d.before is None)
        counts["departments_changed"] = sum(1 for d in self.departments if d.before is not None)
        counts["job_roles_added"] = sum(1 for r in self.job_roles if r.before_name is None)
        counts["job_roles_changed"] = sum(1 for r in self.job_roles if r.before_name is not None)
        counts["deactivated"] = sum(1 for p in self.people if p.deactivate) + (
            len(self.missing) if self.deactivate_missing else 0
        )
        return counts

    @property
    def changed_people(self) -> list[PersonChange]:
        return [person for person in self.people if person.kind != UNCHANGED]

    @property
    def writes_anything(self) -> bool:
        return bool(
            self.departments
            or self.job_roles
            or self.changed_people
            or (self.deactivate_missing and self.missing)
        )

    def fingerprint(self) -> str:
        """Names this exact change, so a confirmation applies what the preview showed."""
        digest = hashlib.sha256()
        for item in (
            self.deactivate_missing,
            *self.departments,
            *self.job_roles,
            *self.changed_people,
            *self.missing,
        ):
            digest.update(repr(item).encode())
        return digest.hexdigest()


class RosterRefused(Exception):
    """The roster holds problems; nothing of it is written."""

    def __init__(self, problems: Iterable[RosterProblem]):
        self.problems = sorted(problems, key=lambda p: (p.line, p.field, p.message))
        super().__init__(f"{len(self.problems)} problem(s)")


def roster_plan(
    parsed: ParsedRoster,
    state: OrganisationState,
    *,
    file_name: str,
    today: date,
    deactivate_missing: bool = False,
) -> RosterPlan:
    """The change the roster makes to `state`, or RosterRefused listing every problem."""
    planner = _Planner(parsed, state)
    plan = RosterPlan(file_name=file_name, today=today, deactivate_missing=deactivate_missing)
    plan.departments = planner.departments()
    plan.job_roles = planner.job_roles()
    planner.people_checked()
    if planner.problems:
        raise RosterRefused(planner.problems)
    plan.people = [planner.person_change(row, today) for row in planner.people]
    plan.missing = planner.missing()
    return plan


class _Planner:
    def __init__(self, parsed: ParsedRoster, state: OrganisationState):
        self.state = state
        self.problems: list[RosterProblem] = list(parsed.problems)
        self.refused_numbers = set(parsed.refused_employee_numbers)
        self.rows = parsed.rows
        self.people: list[RosterRow] = []
        self.user_of: dict[str, int | None] = {}  # employee number -> existing account
        self.row_of: dict[str, RosterRow] = {}
        self.department_by_id = state.department_by_id
        self.job_role_by_id = state.job_role_by_id

    def refuse(self, row: RosterRow, field_name: str, message: str) -> None:
        self.problems.append(RosterProblem(row.line, field_name, message))

    # Departments and job roles

    def departments(self) -> list[DepartmentChange]:
        described: dict[str, tuple[str, str | None, RosterRow]] = {}
        for row in self.rows:
            if not row.department_name:
                continue
            wanted = (row.department_name, row.parent_department_code or None)
            earlier = described.get(row.department_code)
            if earlier is None:
                described[row.department_code] = (*wanted, row)
            elif earlier[:2] != wanted:
                self.refuse(
                    row,
                    "department_name",
                    f"department {row.department_code} is described differently on line "
                    f"{earlier[2].line} (name and parent must match).",
                )
        known = set(self.state.departments) | set(described)
        for row in self.rows:
            for name, codes in (
                ("department_code", [row.department_code]),
                ("parent_department_code", [row.parent_department_code]),
                ("leads_department_codes", row.leads_department_codes),
            ):
                for code in codes:
                    if code and code not in known:
                        self.refuse(
                            row,
                            name,
                            f"unknown department {code}: name it on a row of this file "
                            "(department_code with department_name) or create it in the CMS.",
                        )
        self.parent_of = {
            code: (department.parent.code if department.parent else None)
            for code, department in self.state.departments.items()
        }
        self.parent_of.update({code: parent for code, (_, parent, _) in described.items()})
        for code, (_, _, row) in described.items():
            loop = self._department_loop(code)
            if loop:
                self.refuse(
                    row,
                    "parent_department_code",
                    f"departments would sit inside themselves: {' → '.join(loop)}.",
                )
        changes = []
        for code, (name, parent, row) in described.items():
            existing = self.state.departments.get(code)
            before = None
            if existing is not None:
                before = (existing.name, existing.parent.code if existing.parent else None)
                if before == (name, parent):
                    continue
            changes.append(DepartmentChange(row.line, code, name, parent, before))
        return changes

    def _department_loop(self, start: str) -> list[str]:
        path, code = [start], self.parent_of.get(start)
        while code is not None:
            path.append(code)
            if code == start:
                return path
            if len(path) > len(self.parent_of) + 1:
                return []  # a loop above this department: reported where it starts
            code = self.parent_of.get(code)
        return []

    def job_roles(self) -> list[JobRoleChange]:
        described: dict[str, tuple[str, RosterRow]] = {}
        for row in self.rows:
            if not row.job_role_name:
                continue
            earlier = described.get(row.job_role_code)
            if earlier is None:
                described[row.job_role_code] = (row.job_role_name, row)
            elif earlier[0] != row.job_role_name:
                self.refuse(
                    row,
                    "job_role_name",
                    f"job role {row.job_role_code} is named differently on line {earlier[1].line}.",
                )
        for row in self.rows:
            code = row.job_role_code
            if code and code not in described and code not in self.state.job_roles:
                self.refuse(
                    row,
                    "job_role_code",
                    f"unknown job role {code}: name it on a row of this file (job_role_code "
                    "with job_role_name) or create it in the CMS.",
                )
        # A name may not pass from one role to another in one import: renaming both at once
        # would collide half way, so the first rename goes through the CMS.
        code_of_name = {role.name: code for code, role in self.state.job_roles.items()}
        for code, (name, row) in described.items():
            other = code_of_name.setdefault(name, code)
            if other != code:
                self.refuse(
                    row, "job_role_name", f"{name!r} is already the name of job role {other}."
                )
        changes = []
        for code, (name, row) in described.items():
            existing = self.state.job_roles.get(code)
            if existing is not None and existing.name == name:
                continue
            changes.append(JobRoleChange(row.line, code, name, existing.name if existing else None))
        return changes

    # People

    def people_checked(self) -> None:
        email_lines: dict[str, int] = {}
        for row in self.rows:
            if not row.is_person:
                continue
            if row.employee_number in self.row_of:
                self.refuse(
                    row,
                    "employee_number",
                    f"employee number {row.employee_number} is already on line "
                    f"{self.row_of[row.employee_number].line}.",
                )
                continue
            if row.email in email_lines:
                self.refuse(
                    row, "email", f"{row.email} is already on line {email_lines[row.email]}."
                )
                self.refused_numbers.add(row.employee_number)
                continue
            email_lines[row.email] = row.line
            user_id = self._account_of(row)
            if user_id is False:
                self.refused_numbers.add(row.employee_number)
                continue
            self.row_of[row.employee_number] = row
            self.user_of[row.employee_number] = user_id
            self.people.append(row)
        self.row_of_user = {
            user_id: number for number, user_id in self.user_of.items() if user_id is not None
        }
        for row in self.people:
            manager = row.line_manager_employee_number
            if not manager:
                continue
            if manager == row.employee_number:
                self.refuse(
                    row, "line_manager_employee_number", "a person cannot manage themselves."
                )
            elif (
                manager not in self.row_of
                and manager not in self.refused_numbers
                and manager not in self.state.user_by_employee_number
            ):
                self.refuse(
                    row,
                    "line_manager_employee_number",
                    f"unknown line manager {manager}: nobody has that employee number in this "
                    "file or in the organisation.",
                )
        self._manager_loops_refused()

    def _account_of(self, row: RosterRow) -> int | bool | None:
        """The existing account a row describes, None for a new person, False if refused."""
        by_number = self.state.user_by_employee_number.get(row.employee_number)
        by_email = self.state.account_by_email.get(row.email)
        address_owner = self.state.verified_address_owner.get(row.email)
        if address_owner is not None and address_owner != (by_number or by_email):
            self.refuse(
                row, "email", f"{row.email} is the email address of another person's account."
            )
            return False
        if by_number is not None:
            if by_email is not None and by_email != by_number:
                self.refuse(
                    row, "email", f"{row.email} is the email address of another person's account."
                )
                return False
            return by_number
        if by_email is None:
            return None
        placement = self.state.placement_by_user.get(by_email)
        if placement is not None and placement.employee_number:
            self.refuse(
                row,
                "email",
                f"the account of {row.email} has employee number {placement.employee_number} "
                "in the organisation.",
            )
            return False
        return by_email

    def _manager_node(self, number: str):
        if number in self.row_of:
            return ("row", number)
        user_id = self.state.user_by_employee_number.get(number)
        return None if user_id is None else self._user_node(user_id)

    def _user_node(self, user_id: int):
        number = self.row_of_user.get(user_id)
        return ("row", number) if number is not None else ("user", user_id)

    def _next(self, node):
        kind, key = node
        if kind == "row":
            manager = self.row_of[key].line_manager_employee_number
            return self._manager_node(manager) if manager and manager != key else None
        placement = self.state.placement_by_user.get(key)
        if placement is None or placement.line_manager_id is None:
            return None
        return self._user_node(placement.line_manager_id)

    def _manager_loops_refused(self) -> None:
        """Line managers after the import, the file's rows over what the organisation holds,
        must form no loop: walk up from every person once."""
        done: set = set()
        for row in self.people:
            path: list = []
            on_path: dict = {}
            node = ("row", row.employee_number)
            while node is not None and node not in done and node not in on_path:
                on_path[node] = len(path)
                path.append(node)
                node = self._next(node)
            if node is not None and node in on_path:
                loop = path[on_path[node] :]
                labels = [self._label(n) for n in [*loop, loop[0]]]
                for member in loop:
                    if member[0] == "row":
                        self.refuse(
                            self.row_of[member[1]],
                            "line_manager_employee_number",
                            f"line managers would form a loop: {' → '.join(labels)}.",
                        )
            done.update(path)

    def _label(self, node) -> str:
        kind, key = node
        if kind == "row":
            return key
        placement = self.state.placement_by_user.get(key)
        return (placement and placement.employee_number) or self.state.accounts[key].email

    def person_change(self, row: RosterRow, today: date) -> PersonChange:
        user_id = self.user_of[row.employee_number]
        account = self.state.accounts.get(user_id) if user_id is not None else None
        placement = self.state.placement_by_user.get(user_id) if user_id is not None else None
        manager = row.line_manager_employee_number
        after = {
            "department": row.department_code,
            "job_role": row.job_role_code,
            "line_manager": manager,
            "employee_number": row.employee_number,
            "leaving_date": row.leaving_date.isoformat() if row.leaving_date else "",
        }
        before = dict.fromkeys(after, "")
        if placement is not None:
            department = self.department_by_id.get(placement.department_id)
            job_role = self.job_role_by_id.get(placement.job_role_id)
            before = {
                "department": department.code if department else "",
                "job_role": job_role.code if job_role else "",
                "line_manager": self._manager_number(placement.line_manager_id),
                "employee_number": placement.employee_number or "",
                "leaving_date": placement.leaving_date.isoformat()
                if placement.leaving_date
                else "",
            }
        changes = [
            (name, before[name], after[name]) for name in after if before[name] != after[name]
        ]
        membership_changed = bool(changes) or placement is None
        email_before = account.email if account and account.email != row.email else None
        if email_before:
            changes.append(("email", email_before, row.email))
        leaves = row.leaving_date is not None and row.leaving_date < today
        deactivate = leaves and (account is None or account.is_active)
        if deactivate:
            changes.append(("account", "open", "closed"))
        grants, revokes = self._lead_changes(row, user_id)
        if grants or revokes:
            changes.append(
                (
                    "lead_scope",
                    " ".join(self._led_codes(user_id)),
                    " ".join(row.leads_department_codes),
                )
            )
        add_lead_role = bool(row.leads_department_codes) and (
            user_id is None or user_id not in self.state.department_leads
        )
        if add_lead_role:
            changes.append(("roles", "", "+ Department lead"))
        changed = {change[0] for change in changes}
        if placement is None:
            kind = NEW
        elif deactivate or ("leaving_date" in changed and row.leaving_date):
            kind = LEAVING
        elif changed & set(MOVE_FIELDS):
            kind = MOVED
        else:
            kind = UPDATED if changes else UNCHANGED
        return PersonChange(
            row=row,
            kind=kind,
            user_id=user_id,
            has_membership=placement is not None,
            changes=tuple(changes),
            membership_changed=membership_changed,
            email_before=email_before,
            deactivate=deactivate,
            grant_codes=grants,
            revoke_codes=revokes,
            add_lead_role=add_lead_role,
            account_closed=account is not None and not account.is_active and not leaves,
        )

    def _manager_number(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        placement = self.state.placement_by_user.get(user_id)
        if placement is not None and placement.employee_number:
            return placement.employee_number
        # A manager the organisation knows without an employee number, or one this roster
        # numbers for the first time.
        return self.row_of_user.get(user_id) or f"({self.state.accounts[user_id].email})"

    def _led_codes(self, user_id: int | None) -> list[str]:
        grants = self.state.lead_grants.get(user_id, {}) if user_id is not None else {}
        return sorted(self.department_by_id[pk].code for pk in grants)

    def _lead_changes(
        self, row: RosterRow, user_id: int | None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        grants = self.state.lead_grants.get(user_id, {}) if user_id is not None else {}
        held = {self.department_by_id[pk].code: source for pk, (_, source) in grants.items()}
        wanted = row.leads_department_codes
        to_grant = tuple(code for code in wanted if code not in held)
        # Only grants the roster made are the roster's to withdraw; an administrator's stay.
        to_revoke = tuple(
            sorted(
                code
                for code, source in held.items()
                if source == MembershipSource.ROSTER and code not in wanted
            )
        )
        return to_grant, to_revoke

    def missing(self) -> list[MissingPerson]:
        """People the roster placed before who are not in this file and can still sign in."""
        listed = set(self.row_of_user)
        missing = []
        for placement in self.state.placement_by_user.values():
            if placement.source != MembershipSource.ROSTER or placement.user_id in listed:
                continue
            account = self.state.accounts[placement.user_id]
            if not account.is_active:
                continue
            name = f"{account.first_name} {account.last_name}".strip() or account.email
            missing.append(
                MissingPerson(
                    placement.user_id, placement.employee_number or "", account.email, name
                )
            )
        return sorted(missing, key=lambda person: (person.employee_number, person.email))
