"""The kinds of package the platform can import, registered by their apps (cmi5, scorm) in
their AppConfig.ready(), so that packages knows none of them by name."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .models import Package

Detect = Callable[[frozenset[str], str], str | None]


class ImportPackage(Protocol):
    def __call__(self, *, package: Package, root: Path | None, xml: bytes | None) -> None: ...


@dataclass(frozen=True)
class Kind:
    name: str
    # detect(names, filename): the Package.Kind value (or a placeholder the importer replaces)
    # this kind takes an upload as, or None. `names` are the zip's file paths ("a/b.html"),
    # empty for a standalone .xml upload.
    detect: Detect
    # import_package(package=, root=, xml=): reads the manifest from the unpacked folder `root`
    # (not yet at its final place: keep paths relative to it) or from `xml` (root None), saves
    # the kind's own rows and may set package.kind/title; raises PackageRejected.
    import_package: ImportPackage


_kinds: dict[str, Kind] = {}


def register(name: str, *, detect: Detect, import_package: ImportPackage) -> None:
    """Register (or re-register, replacing) the kind called `name`."""
    _kinds[name] = Kind(name=name, detect=detect, import_package=import_package)


def unregister(name: str) -> None:
    _kinds.pop(name, None)


def registered() -> list[Kind]:
    """The registered kinds in registration order (INSTALLED_APPS order)."""
    return list(_kinds.values())


def detect_kind(names: frozenset[str], filename: str) -> tuple[Kind, str] | None:
    """The first registered kind that takes the upload, with the kind value it gave."""
    for kind in _kinds.values():
        value = kind.detect(names, filename)
        if value:
            return kind, value
    return None
