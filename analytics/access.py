"""Who may see which report: the one place the rules of docs/decisions/0009 are written down.

learner            only their own levels (/reports/me/)
department lead    their own department, aggregated, and their own direct reports by name
CTO office, admin  every department, aggregated; no names
"""

from organisations.selectors import membership_of

VIEW_ALL = "analytics.view_all_reports"
VIEW_DEPARTMENT = "analytics.view_department_report"


def own_department(user) -> str | None:
    """The code of the department the person belongs to (and, holding the role, leads)."""
    membership = membership_of(user)
    return membership.department.code if membership and membership.department else None


def may_view_all(user) -> bool:
    return user.has_perm(VIEW_ALL)


def leads_department(user, code: str) -> bool:
    """A department lead looking at their own department: the only case names are shown."""
    return user.has_perm(VIEW_DEPARTMENT) and own_department(user) == code


def may_view_department(user, code: str) -> bool:
    return may_view_all(user) or leads_department(user, code)
