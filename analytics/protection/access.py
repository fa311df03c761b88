"""Who may see which report: the one place the rules of docs/decisions/0009 are written down.

learner            only their own levels (/reports/me/)
department lead    the departments an authority granted them (organisations.DepartmentLead),
                   aggregated, and their own direct reports by name
CTO office, admin  every department, aggregated; no names
"""

from organisations.selectors import led_department_codes

VIEW_ALL = "analytics.view_all_reports"
VIEW_DEPARTMENT = "analytics.view_department_report"


def led_departments(user) -> list[str]:
    """Codes of the departments a lead was granted by an administrator, the HR roster or the
    identity provider. The department a person belongs to grants nothing: people could once
    set that themselves."""
    if not user.has_perm(VIEW_DEPARTMENT):
        return []
    cached = getattr(user, "_led_departments", None)
    if cached is None:
        cached = user._led_departments = led_department_codes(user)
    return cached


def may_view_all(user) -> bool:
    return user.has_perm(VIEW_ALL)


def leads_department(user, code: str) -> bool:
    """A department lead looking at their own department: the only case names are shown."""
    return code in led_departments(user)


def may_view_department(user, code: str) -> bool:
    return may_view_all(user) or leads_department(user, code)
