"""Fixtures for the SCORM tests: the sample packages imported as the app imports them."""

import shutil
from pathlib import Path

import pytest

from packages.models import Package
from scorm.importer import import_package
from tests.factories import make_person

PACKAGES = Path(__file__).parent / "packages"
# The platform and the content origin as `make run` has them: one machine, two host names.
PLATFORM = "http://127.0.0.1:8000"
CONTENT = "http://localhost:8000"


@pytest.fixture(autouse=True)
def _origins(settings):
    settings.SITE_URL = PLATFORM
    settings.PACKAGE_CONTENT_ORIGIN = CONTENT


@pytest.fixture
def package_dir(tmp_path):
    """A copy of a sample package's folder that a test may change."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(PACKAGES / name, target)
        return target

    return copy


@pytest.fixture
def scorm_import(db):
    """Import a sample package's folder through the scorm importer; returns the Package."""

    def run(name: str, title: str = "") -> Package:
        package = Package.objects.create(title=title, kind=Package.Kind.SCORM_12)
        import_package(package=package, root=PACKAGES / name, xml=None)
        return package

    return run


@pytest.fixture
def scorm_learner(db):
    return make_person()
