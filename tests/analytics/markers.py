"""Markers shared by the analytics tests."""

import pytest

# Tests whose statements are committed, as in production, so that a rebuild's own connections
# see them. serialized_rollback makes each start from the data the migrations load, and keeps
# its clean-up from loading that data again behind later tests of the kind.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)
