"""A roster change as a reader sees it: counts, then one line per thing that changes."""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from organisations.roster.plan import (
    NEW,
    DepartmentChange,
    JobRoleChange,
    MissingPerson,
    PersonChange,
    RosterPlan,
)

FIELD_LABELS = {
    "department": gettext_lazy("department"),
    "job_role": gettext_lazy("job role"),
    "line_manager": gettext_lazy("line manager"),
    "employee_number": gettext_lazy("employee number"),
    "leaving_date": gettext_lazy("leaving date"),
    "email": gettext_lazy("email"),
    "account": gettext_lazy("account"),
    # Translators: the departments a person leads.
    "lead_scope": gettext_lazy("leads"),
    "roles": gettext_lazy("roles"),
}
# The words the change itself holds (names and codes are shown as they are).
VALUE_LABELS = {
    "open": pgettext_lazy("an account", "open"),
    "closed": pgettext_lazy("an account", "closed"),
    "+ Department lead": gettext_lazy("+ Department lead"),
}
# The kind of change a line of the preview shows.
KIND_LABELS = {
    "department": pgettext_lazy("roster change", "department"),
    "job role": pgettext_lazy("roster change", "job role"),
    "new": pgettext_lazy("roster change", "new"),
    "moved": pgettext_lazy("roster change", "moved"),
    "leaving": pgettext_lazy("roster change", "leaving"),
    "updated": pgettext_lazy("roster change", "updated"),
    "missing": pgettext_lazy("roster change", "missing"),
}


@dataclass(frozen=True)
class DiffLine:
    kind: str  # new, moved, leaving, updated, missing, department added/changed, job role ...
    line: int | None
    subject: str
    detail: str

    def __str__(self) -> str:
        where = gettext("line %(line)s") % {"line": self.line} if self.line else "-"
        return f"{self.kind:<10} {where:<11} {self.subject}: {self.detail}"


def _line(kind: str, line: int | None, subject: str, detail: str) -> DiffLine:
    return DiffLine(str(KIND_LABELS.get(kind, kind)), line, subject, detail)


def _none(value: str | None) -> str:
    # Translators: no value before or after a change, as in "parent none → FIN".
    return str(VALUE_LABELS.get(value, value)) if value else gettext("none")


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
    if change.before is None:
        values = {"name": repr(change.name), "parent": change.parent_code}
        detail = (
            gettext("added, %(name)s, under %(parent)s")
            if change.parent_code
            else gettext("added, %(name)s, top level")
        ) % values
        return _line("department", change.line, change.code, detail)
    old_name, old_parent = change.before
    details = []
    if old_name != change.name:
        details.append(
            gettext("name %(before)s → %(after)s")
            % {"before": repr(old_name), "after": repr(change.name)}
        )
    if old_parent != change.parent_code:
        details.append(
            gettext("parent %(before)s → %(after)s")
            % {"before": _none(old_parent), "after": _none(change.parent_code)}
        )
    return _line("department", change.line, change.code, "; ".join(details))


def _job_role_line(change: JobRoleChange) -> DiffLine:
    if change.before_name is None:
        detail = gettext("added, %(name)s") % {"name": repr(change.name)}
        return _line("job role", change.line, change.code, detail)
    detail = gettext("name %(before)s → %(after)s") % {
        "before": repr(change.before_name),
        "after": repr(change.name),
    }
    return _line("job role", change.line, change.code, detail)


def _person_line(person: PersonChange) -> DiffLine:
    row = person.row
    subject = f"{row.employee_number} {row.email}"
    if person.kind == NEW:
        details = [
            f"{FIELD_LABELS[name]} {_none(after)}"
            for name, _, after in person.changes
            if after and name not in ("employee_number", "email")
        ]
        if person.user_id is not None:
            details.insert(0, gettext("existing account"))
    else:
        details = [
            # Translators: a change, as in "department CRS → FIN"; right-to-left languages
            # may turn the arrow so it points from the old value to the new one.
            gettext("%(field)s %(before)s → %(after)s")
            % {"field": FIELD_LABELS[name], "before": _none(before), "after": _none(after)}
            for name, before, after in person.changes
        ]
    return _line(person.kind, row.line, subject, "; ".join(details))


def _missing_line(person: MissingPerson, closing: bool) -> DiffLine:
    return _line(
        "missing",
        None,
        f"{person.employee_number} {person.email}",
        gettext("account closed") if closing else gettext("not in the file; account stays open"),
    )
