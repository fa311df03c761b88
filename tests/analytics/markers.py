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
