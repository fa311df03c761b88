"""A roster change as a reader sees it: counts, then one line per thing that changes."""

from dataclasses import dataclass

from django.utils.translation import gettext

from organisations.roster.plan import (
    NEW,
    DepartmentChange,
    JobRoleChange,
    MissingPerson,
    PersonChange,
    RosterPlan,
)

FIELD_LABELS = {
    "department": "department",
    "job_role": "job role",
    "line_manager": "line manager",
    "employee_number": "employee number",
    "leaving_date": "leaving date",
    "email": "email",
    "account": "account",
    "lead_scope": "leads",
    "roles": "roles",
}


@dataclass(frozen=True)
class DiffLine:
    kind: str  # new, moved, leaving, updated, missing, department added/changed, job role ...
    line: int | None
    subject: str
    detail: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "-"
        return f"{self.kind:<10} {where:<11} {self.subject}: {self.detail}"


def roster_summary(plan: RosterPlan) -> list[str]:
    """The change in a few sentences, in the active language (the command's is English)."""
    counts = plan.counts()
    people = sum(counts[kind] for kind in ("new", "moved", "leaving", "updated", "unchanged"))
    lines = [
        # Translators: "file" is the roster file's name.
        gettext("%(file)s: %(people)s people.") % {"file": plan.file_name, "people": people},
        gettext(
            "People: %(new)s new, %(moved)s moved, %(leaving)s leaving, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
        % counts,
        gettext(
            "Departments: %(departments_added)s added, %(departments_changed)s changed. "
            "Job roles: %(job_roles_added)s added, %(job_roles_changed)s changed."
        )
        % counts,
    ]
    if plan.missing:
        missing = {"count": len(plan.missing)}
        if plan.deactivate_missing:
            lines.append(
                gettext(
                    "Missing from the roster: %(count)s people the roster placed before; "
                    "their accounts are closed."
                )
                % missing
            )
        else:
            lines.append(
                gettext(
                    "Missing from the roster: %(count)s people the roster placed before; "
                    "their accounts stay open (--deactivate-missing closes them)."
                )
                % missing
            )
    closed = sum(1 for person in plan.people if person.account_closed)
    if closed:
        lines.append(
            gettext(
                "%(count)s people on the roster have closed accounts; "
                "an administrator reopens them."
            )
            % {"count": closed}
        )
    if counts["deactivated"]:
        lines.append(gettext("Accounts closed: %(count)s.") % {"count": counts["deactivated"]})
    return lines


def roster_diff(plan: RosterPlan) -> list[DiffLine]:
    """Every department, job role and person that changes, and everyone missing."""
    lines = [_department_line(change) for change in plan.departments]
    lines += [_job_role_line(change) for change in plan.job_roles]
    lines += [_person_line(person) for person in plan.changed_people]
    lines += [_missing_line(person, plan.deactivate_missing) for person in plan.missing]
    return lines


def _department_line(change: DepartmentChange) -> DiffLine:
    parent = f"under {change.parent_code}" if change.parent_code else "top level"
    if change.before is None:
        return DiffLine("department", change.line, change.code, f"added, {change.name!r}, {parent}")
    old_name, old_parent = change.before
    details = []
    if old_name != change.name:
        details.append(f"name {old_name!r} → {change.name!r}")
    if old_parent != change.parent_code:
        details.append(f"parent {old_parent or 'none'} → {change.parent_code or 'none'}")
    return DiffLine("department", change.line, change.code, "; ".join(details))


def _job_role_line(change: JobRoleChange) -> DiffLine:
    if change.before_name is None:
        return DiffLine("job role", change.line, change.code, f"added, {change.name!r}")
    return DiffLine(
        "job role", change.line, change.code, f"name {change.before_name!r} → {change.name!r}"
    )


def _person_line(person: PersonChange) -> DiffLine:
    row = person.row
    subject = f"{row.employee_number} {row.email}"
    if person.kind == NEW:
        details = [
            f"{FIELD_LABELS[name]} {after}"
            for name, _, after in person.changes
            if after and name not in ("employee_number", "email")
        ]
        if person.user_id is not None:
            details.insert(0, "existing account")
    else:
        details = [
            f"{FIELD_LABELS[name]} {before or 'none'} → {after or 'none'}"
            for name, before, after in person.changes
        ]
    return DiffLine(person.kind, row.line, subject, "; ".join(details))


def _missing_line(person: MissingPerson, closing: bool) -> DiffLine:
    return DiffLine(
        "missing",
        None,
        f"{person.employee_number} {person.email}",
        "account closed" if closing else "not in the file; account stays open",
    )
