"""The smoke runs' kept seed is named for everything seeding could depend on, and nothing else:
a changed project file or seed parameter names a new seed (older code's organisation is never
measured), while tests, documents and files the checkout makes for itself leave it as it is
(or every test run would seed again)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from benchkit import infra, migrated, seeded

PARAMETERS = {"learners": 100, "seed": 1, "generator": "analytics_scale/1"}


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A checkout of a few files, with the migrations and packages held still."""
    monkeypatch.setattr(infra, "ROOT", tmp_path)
    monkeypatch.setattr(migrated, "migrations_key", lambda: "0123456789abcdef")
    for path, text in {
        "courses/synthesis.py": "LEARNERS = 1\n",
        "content_fixtures/courses/agile.json": "{}\n",
        "lms/settings/base.py": "DEBUG = False\n",
        "tests/test_synthesis.py": "def test(): pass\n",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    "changed",
    ["courses/synthesis.py", "content_fixtures/courses/agile.json", "lms/settings/base.py"],
)
def test_a_changed_project_file_names_a_new_seed(checkout, changed):
    before = seeded.seeded_name(PARAMETERS)
    (checkout / changed).write_text("# changed\n")

    assert seeded.seeded_name(PARAMETERS) != before


def test_a_new_project_file_names_a_new_seed(checkout):
    before = seeded.seeded_name(PARAMETERS)
    (checkout / "courses" / "loading.py").write_text("")

    assert seeded.seeded_name(PARAMETERS) != before


@pytest.mark.parametrize(
    "made",
    [
        "tests/test_synthesis.py",
        "docs/decisions/0005-testing.md",
        ".git/index",
        ".venv/bin/python",
        "courses/__pycache__/synthesis.cpython-311.pyc",
        "courses/locale/fr/LC_MESSAGES/django.mo",
        "db.sqlite3",
        "capacity_lms.egg-info/PKG-INFO",
        "node_modules/govuk-frontend/package.json",
        "static/dist/main.css",
        "staticfiles/staticfiles.json",
        "var/uploads/package.zip",
    ],
)
def test_tests_documents_and_made_files_keep_the_seed(checkout, made):
    before = seeded.seeded_name(PARAMETERS)
    (checkout / made).parent.mkdir(parents=True, exist_ok=True)
    (checkout / made).write_text("anything\n")

    assert seeded.seeded_name(PARAMETERS) == before


def test_other_parameters_or_migrations_name_another_seed(checkout, monkeypatch):
    name = seeded.seeded_name(PARAMETERS)
    assert name.startswith("lms_bench_seeded_")
    assert seeded.seeded_name({**PARAMETERS, "learners": 200}) != name
    monkeypatch.setattr(migrated, "migrations_key", lambda: "fedcba9876543210")
    assert seeded.seeded_name(PARAMETERS) != name
