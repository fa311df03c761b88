"""The service menu: which pages each person's roles let them reach, in one place.

The menu holds at most six entries, so that it fits one row on a laptop screen: what a person
does (learning, courses, self-assessment), who they look after (their team), what they may read
about others (one "Reports" entry leading to every report their role opens, assigning training
and its progress among them) and where they author content. Their own account (profile, sign
out) sits apart, at the header's right.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

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
    (_("Your learning"), "dashboard", _always, ()),
    (_("Courses"), "catalogue", _always, ()),
    (_("Assess your skills"), "self_assessment", _always, ()),
    (_("Your team"), "team", _manages_someone, ("/people/corrections/",)),
    (
        _("Reports"),
        "reports",
        sees_others_reports,
        ("/reports/", "/department/", "/departments/", "/assignments/"),
    ),
    (
        _("Content management"),
        "wagtailadmin_home",
        _has_permission("wagtailadmin.access_admin"),
        (),
    ),
]
ANONYMOUS_ITEMS = [
    (_("Home"), "home"),
    (_("Courses"), "catalogue"),
    (_("Frameworks"), "frameworks"),
]
ACCOUNT_ITEMS = [(_("Your profile"), "profile")]


def home_url() -> str:
    """The home page's address in the language being read (/ in English, /fr/ in French)."""
    code = translation.get_language()
    if not code or code == settings.LANGUAGE_CODE or code not in dict(settings.LANGUAGES):
        return "/"
    return f"/{code}/"


def _without_language(path: str) -> str:
    """`path` without its language code (/fr/reports/ → /reports/)."""
    code = translation.get_language_from_path(path)
    if code and path.startswith(f"/{code}/"):
        return path[len(code) + 1 :]
    if code and path == f"/{code}":
        return "/"
    return path


def _is_current(path: str, url: str, sections: tuple[str, ...] = ()) -> bool:
    path, url = _without_language(path), _without_language(url)
    if url == "/":
        return path == "/"
    return any(path.startswith(prefix) for prefix in (url, *sections))


def navigation_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        items = []
        for label, url_name in ANONYMOUS_ITEMS:
            url = home_url() if url_name == "home" else reverse(url_name)
            items.append(NavItem(str(label), url, _is_current(request.path, url)))
        return items
    items = []
    for label, url_name, shown, sections in SIGNED_IN_ITEMS:
        if shown(user):
            url = reverse(url_name)
            items.append(NavItem(str(label), url, _is_current(request.path, url, sections)))
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
        items.append(NavItem(str(label), url, current))
    return items
