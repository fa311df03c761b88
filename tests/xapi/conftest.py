"""Fixtures for the LRS under test (in-process and over HTTP), and for forwarding and pulling:
a real Ralph LRS as the organisation's own LRS."""

import pytest

from tests.factories import ForwardingEndpointFactory
from tests.xapi.peers import start_ralph


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    """One Ralph for the session; tests tell their statements apart by id."""
    peer = start_ralph(tmp_path_factory.mktemp("ralph")).start()
    yield peer
    peer.stop()


@pytest.fixture
def fresh_ralph(ralph):
    """The session's Ralph, emptied, for tests that read everything it holds (starting one of
    their own would cost each test a few seconds)."""
    ralph.clear()
    return ralph


@pytest.fixture
def ralph_endpoint(db, ralph):
    return ForwardingEndpointFactory(
        name="City LRS", url=ralph.url, username=ralph.key, password=ralph.secret, batch_size=2
    )


@pytest.fixture
def lrs_client(db):
    from xapi.services import lrs_client_upsert

    client, _ = lrs_client_upsert(
        name="Test client", key="test-key", secret="test-secret-123", scopes=["all"]
    )
    return client


# The protocol tests run in-process, in a transaction rolled back after each test: the LRS stores
# nothing on commit (no on_commit hooks; statements_stored is sent inside the storing
# transaction), so committing would only cost a flush per test. What only a real server shows is
# in test_wire.py, over `live_lrs`.


@pytest.fixture
def lrs(lrs_client):
    """The LRS under test, in-process, speaking xAPI 1.0.3."""
    from tests.xapi.lrs import InProcessLrs

    return InProcessLrs("test-key", "test-secret-123")


@pytest.fixture
def lrs2(lrs_client):
    """The same LRS, speaking xAPI 2.0.0."""
    from tests.xapi.lrs import InProcessLrs

    return InProcessLrs("test-key", "test-secret-123", version="2.0.0")


@pytest.fixture
def live_lrs(live_server, lrs_client):
    """The LRS over real HTTP (the live server makes the test's database transactional)."""
    from tests.xapi.lrs import Lrs

    return Lrs(f"{live_server.url}/xapi", "test-key", "test-secret-123")
