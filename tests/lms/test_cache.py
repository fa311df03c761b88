"""The database cache that rate limits rely on exists after migrate, on every database."""

import pytest
from django.core.cache import caches
from django.test import override_settings

DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lms_cache"}
}


@pytest.mark.django_db
def test_database_cache_table_is_created_by_migrate():
    with override_settings(CACHES=DATABASE_CACHE):
        cache = caches.create_connection("default")
        assert cache.add("rate-limit-probe", 1, timeout=60) is True
        assert cache.get("rate-limit-probe") == 1
