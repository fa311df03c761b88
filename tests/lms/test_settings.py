"""Production settings refuse to start half-configured and pass Django's deployment checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 30 + "-random-enough-for-a-test-0123456789"


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(DJANGO_SETTINGS_MODULE="lms.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ALLOWED_HOSTS="lms.example.gov")

    assert result.returncode == 1
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", DJANGO_SECRET_KEY=GOOD_KEY)

    assert result.returncode == 1
    assert "Set DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_passes_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="lms.example.gov,packages.lms.example.gov",
        SITE_URL="https://lms.example.gov",
        PACKAGE_CONTENT_ORIGIN="https://packages.lms.example.gov",
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_without_a_package_content_origin_is_warned():
    result = run_manage(
        "check",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="lms.example.gov",
        SITE_URL="https://lms.example.gov",
    )

    assert (result.returncode, result.stderr.splitlines()) == (
        0,
        [
            "System check identified some issues:",
            "",
            "WARNINGS:",
            "?: (packages.W001) PACKAGE_CONTENT_ORIGIN is not set, so course packages cannot be "
            "served.",
            "\tHINT: Set it to an origin on a host name of its own, e.g. "
            "https://packages.example.org.",
            "",
            "System check identified 1 issue (0 silenced).",
        ],
    )


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("", "django.db.backends.sqlite3"),
        ("postgres://postgres@127.0.0.1:5432/lms", "django.db.backends.postgresql"),
    ],
)
def test_database_url_chooses_the_database(url, engine):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if url:
        environment["DATABASE_URL"] = url
    environment["DJANGO_SETTINGS_MODULE"] = "lms.settings.dev"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == engine, result.stderr


def test_production_collects_and_fingerprints_every_static_file(tmp_path):
    """A deploy runs collectstatic, which follows every url() in the CSS: a reference to a
    file that is not there stops the deploy (and every page would then fail to render)."""
    result = run_manage(
        "collectstatic",
        "--noinput",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="lms.example.gov",
        STATIC_ROOT=str(tmp_path),
    )

    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for built in ("dist/main.css", "dist/init.js"):
        assert (tmp_path / manifest[built]).is_file()
        assert (tmp_path / f"{manifest[built]}.gz").is_file()
