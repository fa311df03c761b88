"""The service menu: which pages each person's roles let them reach, in one place.

The menu holds at most six entries, so that it fits one row on a laptop screen: what a person
does (learning, courses, self-assessment), who they look after (their team), what they may read
about others (one "Reports" entry leading to every report their role opens, assigning training
and its progress among them) and where they author content. Their own account (profile, sign
out) sits apart, at the header's right.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from analytics.views.hub import sees_others_reports
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


def _manages_someone(user) -> bool:
    return Membership.objects.filter(line_manager=user).exists()


# (label, url name, who sees it, other paths the entry stands for) for signed-in people.
SIGNED_IN_ITEMS = [
    ("Your learning", "dashboard", _always, ()),
    ("Courses", "catalogue", _always, ()),
    ("Assess your skills", "self_assessment", _always, ()),
    ("Your team", "team", _manages_someone, ("/people/corrections/",)),
    (
        "Reports",
        "reports",
        sees_others_reports,
        ("/reports/", "/department/", "/departments/", "/assignments/"),
    ),
    (
        "Content management",
        "wagtailadmin_home",
        _has_permission("wagtailadmin.access_admin"),
        (),
    ),
]
ANONYMOUS_ITEMS = [("Home", "home"), ("Courses", "catalogue"), ("Frameworks", "frameworks")]
ACCOUNT_ITEMS = [("Your profile", "profile")]


def _is_current(path: str, url: str, sections: tuple[str, ...] = ()) -> bool:
    if url == "/":
        return path == "/"
    return any(path.startswith(prefix) for prefix in (url, *sections))


def navigation_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        items = []
        for label, url_name in ANONYMOUS_ITEMS:
            url = "/" if url_name == "home" else reverse(url_name)
            items.append(NavItem(label, url, _is_current(request.path, url)))
        return items
    items = []
    for label, url_name, shown, sections in SIGNED_IN_ITEMS:
        if shown(user):
            url = reverse(url_name)
            items.append(NavItem(label, url, _is_current(request.path, url, sections)))
    return items


def account_navigation_for(request: HttpRequest) -> list[NavItem]:
    """The account area's links for a signed-in person (sign out is a form beside them)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for label, url_name in ACCOUNT_ITEMS:
        url = reverse(url_name)
        # Email, password and two-factor pages belong to the account too.
        current = _is_current(request.path, url, ("/accounts/",))
        items.append(NavItem(label, url, current))
    return items
