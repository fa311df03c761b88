"""Markers shared by the analytics tests."""

import pytest
from django.db import connection

# Tests whose statements are committed, as in production, so that a rebuild's own connections
# see them. serialized_rollback makes each start from the data the migrations load, and keeps
# its clean-up from loading that data again behind later tests of the kind.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's rebuild only"
)


def rebuild_on_several_connections(test):
    """A test of PostgreSQL's rebuild on its own connections, over committed statements."""
    return committed(postgresql_only(test))


# The SQL form of the evidence projection is PostgreSQL's alone: its statements query jsonb. On
# SQLite there is no SQL form to hold the Python reference against, so the tests comparing the
# two are skipped there, saying why, and run in the PostgreSQL pass of CI.
sql_form = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the SQL projection runs on PostgreSQL only; SQLite has just the Python reference",
)
