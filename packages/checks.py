"""System checks: package files need an origin of their own, which the site answers to."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning


def content_origin_check(app_configs=None, **kwargs) -> list:
    origin = settings.PACKAGE_CONTENT_ORIGIN
    if not origin:
        return [
            Warning(
                "PACKAGE_CONTENT_ORIGIN is not set, so course packages cannot be served.",
                hint="Set it to an origin on a host name of its own, e.g. "
                "https://packages.example.org.",
                id="packages.W001",
            )
        ]
    content_host = urlsplit(origin).hostname
    if content_host == urlsplit(settings.SITE_URL).hostname:
        return [
            Error(
                "PACKAGE_CONTENT_ORIGIN has the same host as SITE_URL: package scripts would run "
                "with learners' sessions.",
                hint="Give the content origin a host name of its own.",
                id="packages.E001",
            )
        ]
    for name in ("SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN"):
        domain = getattr(settings, name)
        if domain and _host_allowed(content_host, [domain, "." + domain.lstrip(".")]):
            return [
                Error(
                    f"{name} {domain!r} covers the content origin's host {content_host!r}: "
                    "package scripts would receive the platform's cookies.",
                    hint="Leave the cookie domain unset, or serve packages from another domain.",
                    id="packages.E002",
                )
            ]
    allowed = settings.ALLOWED_HOSTS
    if allowed and "*" not in allowed and not _host_allowed(content_host, allowed):
        return [
            Warning(
                f"The content origin's host {content_host!r} is not in ALLOWED_HOSTS.",
                hint="Add it to DJANGO_ALLOWED_HOSTS so that package files can be served.",
                id="packages.W002",
            )
        ]
    return []


def _host_allowed(host: str, allowed: list[str]) -> bool:
    return any(
        host == pattern or (pattern.startswith(".") and host.endswith(pattern))
        for pattern in allowed
    )
