"""The service menu: which pages each person's roles let them reach, in one place."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


# (label, url name, permission needed or None for any signed-in person)
SIGNED_IN_ITEMS = [
    ("Your profile", "profile", None),
    ("Your department", "my_department", "organisations.view_own_department"),
    ("Departments", "departments_overview", "organisations.view_all_departments"),
    ("Account security", "mfa_index", None),
    ("Content management", "wagtailadmin_home", "wagtailadmin.access_admin"),
]


def navigation_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    items = [NavItem("Home", "/", request.path == "/")]
    if user is None or not user.is_authenticated:
        return items
    for label, url_name, permission in SIGNED_IN_ITEMS:
        if permission and not user.has_perm(permission):
            continue
        url = reverse(url_name)
        items.append(NavItem(label, url, request.path.startswith(url)))
    return items
