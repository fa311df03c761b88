"""Helpers for data a test module builds once and shares between its tests."""

from django.db import connection


def check_constraints_once() -> None:
    """Check the foreign keys of a module's shared rows now, once, before its first test.

    PostgreSQL defers these checks to commit, and every test ends by checking constraints: done
    inside the test's savepoint, which is then rolled back, it would check all of the module's
    rows again for every test (seconds each with a seeded demo). Checked outside any savepoint,
    they are settled and each test checks only its own rows."""
    connection.check_constraints()
