"""The test suite: fast, isolated, deterministic."""

from .base import *

SECRET_KEY = "test-only-secret-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# A deliberately weak hasher: hashing strength is not under test and the strong one costs seconds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Per-process memory cache: rate-limit counters must not leak between test runs.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Mails land in django.core.mail.outbox for the tests to read.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Plain storage: no manifest needed, so tests run without collectstatic.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests build the site from scratch and must not depend on the developer's media folder.
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
PACKAGE_STORAGE_ROOT = MEDIA_ROOT / "packages"
LOGGING["root"]["level"] = "WARNING"
# Identity providers in a developer's environment must not appear in the test database.
IDENTITY_PROVIDERS_JSON = ""
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A test database is thrown away at the end: its commits need not wait for the disk.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
