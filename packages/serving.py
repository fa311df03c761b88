"""The content origin: the separate host that package files (untrusted code) are served from, so
their scripts never run with a learner's session on the platform."""

from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest
from django.utils._os import safe_join

from .models import Package

# Every route under this prefix answers only on the content origin, and only they do.
CONTENT_PREFIX = "/package-content/"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def content_origin() -> str:
    """The content origin as scheme://host[:port], no trailing slash ("" when none is set)."""
    return settings.PACKAGE_CONTENT_ORIGIN.rstrip("/")


def platform_origin() -> str:
    """The platform's own origin (SITE_URL without any path)."""
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def content_url(package: Package, relative_path: str = "") -> str:
    """Absolute URL of a file of `package` on the content origin (its folder when path is "")."""
    path = quote(relative_path.lstrip("/"), safe="/")
    return f"{content_origin()}{CONTENT_PREFIX}{package.uuid}/{path}"


def _host_names(origin: str) -> frozenset[str]:
    """The Host header values a request to `origin` may carry (with or without a default port)."""
    parts = urlsplit(origin)
    if not parts.hostname:
        return frozenset()
    names = {parts.netloc.lower()}
    default_port = _DEFAULT_PORTS.get(parts.scheme)
    if parts.port is None or parts.port == default_port:
        names |= {parts.hostname, f"{parts.hostname}:{default_port}"}
    return frozenset(names)


def is_content_origin_request(request: HttpRequest) -> bool:
    """Whether the request came to the content origin (its host and port), not the platform."""
    hosts = _host_names(content_origin())
    return bool(hosts) and request.get_host().lower() in hosts


def package_file_path(package: Package, relative_path: str) -> Path | None:
    """The stored file for `relative_path` in the package, or None when there is none (folders,
    missing files and paths that would leave the package's folder all count as none)."""
    if not package.content_root or not relative_path or "\x00" in relative_path:
        return None
    folder = Path(settings.PACKAGE_STORAGE_ROOT) / package.content_root
    try:
        candidate = Path(safe_join(folder, relative_path))
        if not candidate.exists():
            candidate = _case_insensitive_match(folder, candidate.relative_to(folder))
        if candidate is None:
            return None
        resolved = candidate.resolve(strict=True)
        # Unpacking refuses symbolic links; this holds even if one appeared on disk later.
        resolved.relative_to(folder.resolve(strict=True))
    except (SuspiciousFileOperation, ValueError, OSError):
        return None
    return resolved if resolved.is_file() else None


def _case_insensitive_match(folder: Path, relative: Path) -> Path | None:
    """The one file whose path differs from `relative` only in letter case, or None.

    Packages are often written on Windows or macOS, whose file systems ignore case, and link
    "Images/Logo.PNG" for "images/logo.png". Only misses pay for the directory listings."""
    current = folder
    for part in relative.parts:
        if (current / part).exists():
            current = current / part
            continue
        matches = [entry for entry in current.iterdir() if entry.name.casefold() == part.casefold()]
        if len(matches) != 1:
            return None
        current = matches[0]
    return current
