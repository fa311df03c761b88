"""Production settings refuse to start half-configured and pass Django's deployment checks."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 30 + "-random-enough-for-a-test-0123456789"


def run_manage_environment(**env) -> dict[str, str]:
    """This process's environment without its DJANGO_ variables, for production settings."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(DJANGO_SETTINGS_MODULE="lms.settings.production", **env)
    return environment


def run_manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=run_manage_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_module(name: str, monkeypatch, **env):
    """The settings module `name` as a process started with `env` alone (no DJANGO_ variables of
    this one) reads it. The settings read the environment as they are imported, so they are
    imported afresh, base included, and the modules this process runs on are put back after:
    a fresh process would cost each case a Django start."""
    for key in list(os.environ):
        if key.startswith("DJANGO_") or key == "DATABASE_URL":
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    package = importlib.import_module("lms.settings")
    names = ["lms.settings.base", f"lms.settings.{name}"]
    kept = {each: sys.modules.pop(each) for each in names if each in sys.modules}
    try:
        return importlib.import_module(names[1])
    finally:
        for fresh in names:
            sys.modules.pop(fresh, None)
        sys.modules.update(kept)
        for module_name, module in kept.items():
            setattr(package, module_name.rsplit(".", 1)[1], module)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured) as refused:
        settings_module("production", monkeypatch, DJANGO_ALLOWED_HOSTS="lms.example.gov")

    assert str(refused.value) == (
        "Set DJANGO_SECRET_KEY to a random value of at least 50 characters."
    )


def test_production_refuses_to_start_without_allowed_hosts(monkeypatch):
    with pytest.raises(ImproperlyConfigured) as refused:
        settings_module("production", monkeypatch, DJANGO_SECRET_KEY=GOOD_KEY)

    assert str(refused.value) == "Set DJANGO_ALLOWED_HOSTS to the host names this site answers to."


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
def test_database_url_chooses_the_database(url, engine, monkeypatch):
    dev = settings_module("dev", monkeypatch, **({"DATABASE_URL": url} if url else {}))

    assert dev.DATABASES["default"]["ENGINE"] == engine


def test_production_collects_and_fingerprints_every_static_file():
    """A deploy runs collectstatic, which follows every url() in the CSS: a reference to a
    file that is not there stops the deploy (and every page would then fail to render).

    Collected as the benchmarks collect for the production servers they start, into the
    production STATIC_ROOT, and only when a file changed since the last complete collection
    (hashing and compressing every file is most of a minute of a busy machine): what is
    checked is always the collection of the files as they are now."""
    result = subprocess.run(
        [sys.executable, "benchmarks/benchkit/commands.py", "[]", "--static"],
        cwd=ROOT,
        env=run_manage_environment(
            DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="lms.example.gov"
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    collected = ROOT / "staticfiles"
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    for built in ("dist/main.css", "dist/init.js"):
        assert (collected / manifest[built]).is_file()
        assert (collected / f"{manifest[built]}.gz").is_file()
