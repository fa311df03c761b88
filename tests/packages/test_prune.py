"""prune_package_storage removes only old folders that no package owns."""

import os
import time
from io import StringIO

import pytest
from django.core.management import call_command

from packages.services import package_import
from tests.packages.conftest import stored_entries
from tests.packages.zips import cmi5_zip, upload

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def aged(path, seconds: float):
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def prune(*args) -> str:
    out = StringIO()
    call_command("prune_package_storage", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def storage(stand_in_kinds, storage_root):
    kept = package_import(upload=upload(cmi5_zip()), filename="a.zip", uploaded_by=None)
    aged(storage_root / kept.content_root, 2 * DAY)
    for name, age in (
        (".incoming-old", 2 * DAY),
        (".incoming-now", 0),
        ("0f6e0c1e-0000-4000-8000-000000000001", 2 * DAY),
    ):
        (storage_root / name).mkdir()
        (storage_root / name / "index.html").write_text("x")
        aged(storage_root / name, age)
    return kept


def test_prune_lists_without_removing_on_a_dry_run(storage, storage_root):
    before = stored_entries(storage_root)

    output = prune("--dry-run")

    assert output.splitlines() == [
        "Would remove .incoming-old",
        "Would remove 0f6e0c1e-0000-4000-8000-000000000001",
        "Would remove 2 folder(s) no package owns.",
    ]
    assert stored_entries(storage_root) == before


def test_prune_removes_old_unowned_folders_and_keeps_the_rest(storage, storage_root):
    output = prune()

    assert output.splitlines()[-1] == "Removed 2 folder(s) no package owns."
    assert sorted(path.name for path in storage_root.iterdir()) == sorted(
        [".incoming-now", storage.content_root]
    )
