"""The service menu: which pages each person's roles let them reach, in one place."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from organisations.models import Membership


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def _has_permission(permission: str) -> Callable:
    return lambda user: user.has_perm(permission)


def _always(user) -> bool:
    return True


def _leads_a_department_only(user) -> bool:
    # People who see every department reach any department from "Skills reports".
    return user.has_perm("analytics.view_department_report") and not user.has_perm(
        "analytics.view_all_reports"
    )


def _manages_someone(user) -> bool:
    return Membership.objects.filter(line_manager=user).exists()


# (label, url name, who sees it) for signed-in people, in menu order.
SIGNED_IN_ITEMS = [
    ("Your learning", "dashboard", _always),
    ("Courses", "catalogue", _always),
    ("Assess your skills", "self_assessment", _always),
    ("Your team", "team", _manages_someone),
    ("Your department", "my_department", _has_permission("organisations.view_own_department")),
    ("Departments", "departments_overview", _has_permission("organisations.view_all_departments")),
    ("Skills reports", "organisation_report", _has_permission("analytics.view_all_reports")),
    ("Department skills", "my_department_report", _leads_a_department_only),
    ("Your profile", "profile", _always),
    ("Content management", "wagtailadmin_home", _has_permission("wagtailadmin.access_admin")),
]
ANONYMOUS_ITEMS = [("Courses", "catalogue"), ("Frameworks", "frameworks")]


def navigation_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    items = [NavItem("Home", "/", request.path == "/")]
    if user is None or not user.is_authenticated:
        entries = [(label, url_name) for label, url_name in ANONYMOUS_ITEMS]
    else:
        entries = [(label, url_name) for label, url_name, shown in SIGNED_IN_ITEMS if shown(user)]
    for label, url_name in entries:
        url = reverse(url_name)
        items.append(NavItem(label, url, request.path.startswith(url)))
    return items
