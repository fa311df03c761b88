"""Fixtures for the package tests: a storage root of their own, and stand-in kinds.

The real cmi5 and scorm importers have tests of their own; here a small importer of each kind
is registered in their place, so what is tested is the unpacking and the all-or-nothing import."""

import pytest

from packages import kinds
from packages.errors import PackageRejected
from packages.models import Package


@pytest.fixture(autouse=True)
def storage_root(settings, tmp_path):
    root = tmp_path / "packages"
    settings.PACKAGE_STORAGE_ROOT = root
    return root


def stored_entries(root) -> list[str]:
    """Everything under the storage root, incoming folders included."""
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))


class StandInKinds:
    """A cmi5 and a scorm kind that read their manifest's bytes and nothing more."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def detect_cmi5(self, names: frozenset[str], filename: str) -> str | None:
        return "cmi5" if "cmi5.xml" in names or filename.lower().endswith(".xml") else None

    def detect_scorm(self, names: frozenset[str], filename: str) -> str | None:
        return "scorm" if "imsmanifest.xml" in names else None

    def import_cmi5(self, *, package: Package, root, xml) -> None:
        manifest = xml if root is None else (root / "cmi5.xml").read_bytes()
        self.calls.append({"kind": "cmi5", "root": root, "manifest": manifest})
        if b"REFUSE" in manifest:
            # Changed and saved first, so the test sees the rollback undo it.
            package.title = "Half imported"
            package.save()
            raise PackageRejected("The course structure has no AUs.")
        if not package.title:
            package.title = "Title from the manifest"

    def import_scorm(self, *, package: Package, root, xml) -> None:
        self.calls.append(
            {"kind": "scorm", "root": root, "manifest": (root / "imsmanifest.xml").read_bytes()}
        )
        package.kind = Package.Kind.SCORM_2004


@pytest.fixture
def stand_in_kinds(monkeypatch):
    # An empty registry for the test, so a real kind registered by its app does not answer first.
    monkeypatch.setattr(kinds, "_kinds", {})
    stand_in = StandInKinds()
    kinds.register("cmi5", detect=stand_in.detect_cmi5, import_package=stand_in.import_cmi5)
    kinds.register("scorm", detect=stand_in.detect_scorm, import_package=stand_in.import_scorm)
    return stand_in
