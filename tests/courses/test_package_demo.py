"""The demo's course packages: small, credited, and imported once through the upload path."""

import pytest

import content_fixtures
from courses.loading import packages_load
from packages.models import Package

FOLDER = content_fixtures.FIXTURES_DIR / "packages"


@pytest.mark.django_db
def test_the_demo_packages_import_once_with_their_credits(settings, tmp_path, training_lead):
    settings.PACKAGE_STORAGE_ROOT = tmp_path / "packages"
    entries = content_fixtures.read("packages")["packages"]

    first = packages_load(entries, folder=FOLDER, owner=training_lead)
    again = packages_load(entries, folder=FOLDER, owner=training_lead)

    assert again == first
    assert [
        (key, package.kind, package.title, package.uploaded_by) for key, package in first.items()
    ] == [
        ("golf-scorm12", "scorm12", "Golf Explained (SCORM 1.2 sample)", training_lead),
        ("golf-scorm2004", "scorm2004", "Golf Explained (SCORM 2004 sample)", training_lead),
        ("geology-cmi5", "cmi5", "Introduction to Geology (cmi5 sample)", training_lead),
    ]
    assert Package.objects.count() == 3
    assert all(package.attribution for package in first.values())


def test_the_demo_packages_stay_small_and_are_credited():
    sizes = {path.name: path.stat().st_size for path in FOLDER.glob("*.zip")}

    assert sorted(sizes) == [
        "geology-intro-cmi5.zip",
        "golf-explained-scorm12.zip",
        "golf-explained-scorm2004.zip",
    ]
    assert sum(sizes.values()) < 1_100_000  # about a megabyte for all three
    credits = (FOLDER / "ATTRIBUTION.md").read_text()
    assert [name for name in sizes if name not in credits] == []
