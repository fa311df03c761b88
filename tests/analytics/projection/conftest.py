"""People, competencies and every kind of statement storer, for the projection tests."""

import pytest

from accounts.models import User
from competencies.models import Competency
from tests.analytics.projection.statements import client_trusted_with
from tests.factories import ForwardingEndpointFactory
from xapi.models import LearnerIdentity


@pytest.fixture
def identities(db):
    users = [
        User.objects.create_user(email=f"person{n}@example.org", password="x") for n in range(4)
    ]
    return [LearnerIdentity.objects.create(user=user) for user in users]


@pytest.fixture
def iris(framework):
    return [c.iri for c in Competency.objects.order_by("code")[:3]]


@pytest.fixture
def storers(db):
    """Every way a statement is stored, as statements_store's arguments: the platform, clients
    trusted with nothing, validations, assessments or both, and a pull from another LRS."""
    return [
        {"client": None},
        {"client": client_trusted_with("untrusted", [])},
        {"client": client_trusted_with("validations", ["validation"])},
        {"client": client_trusted_with("assessments", ["assessment"])},
        {"client": client_trusted_with("both", ["assessment", "validation"])},
        {"client": None, "source_endpoint_id": ForwardingEndpointFactory().pk},
    ]
