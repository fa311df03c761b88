"""Fixtures for the cmi5 tests: the two origins as `make run` has them, package storage of the
test's own, courses imported through the real import path, and a learner."""

import base64
import io

import pytest

from packages.services import package_import
from tests.cmi5.builders import au, block, structure, zipped
from tests.factories import make_person

PLATFORM = "http://127.0.0.1:8000"
CONTENT = "http://localhost:8000"


@pytest.fixture(autouse=True)
def _origins(settings, tmp_path):
    settings.SITE_URL = PLATFORM
    settings.PACKAGE_CONTENT_ORIGIN = CONTENT
    settings.PACKAGE_STORAGE_ROOT = tmp_path / "packages"


@pytest.fixture
def learner(db):
    return make_person()


@pytest.fixture
def import_course(db):
    def run(xml: bytes, *, files=("index.html",), standalone: bool = False):
        if standalone:
            return package_import(upload=io.BytesIO(xml), filename="cmi5.xml", uploaded_by=None)
        return package_import(upload=zipped(xml, files), filename="course.zip", uploaded_by=None)

    return run


@pytest.fixture
def course_package(import_course):
    """One block holding one AU that needs completing and passing at 0.8, and a second AU
    outside the block that needs completing."""
    return import_course(
        structure(
            block(
                "b1",
                au(
                    "a1",
                    url="index.html?lang=en",
                    move_on="CompletedAndPassed",
                    mastery="0.8",
                    launch_parameters="level=2",
                    entitlement_key="licence-7",
                ),
            ),
            au("a2", url="two.html", move_on="Completed"),
        ),
        files=("index.html", "two.html"),
    )


def basic(auth_token: str) -> str:
    return f"Basic {auth_token}"


def decoded_key(auth_token: str) -> str:
    return base64.b64decode(auth_token).decode().split(":", 1)[0]
