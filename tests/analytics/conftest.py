"""The analytics scenario's organisation (tests/analytics/scenario.py), built once per module
that asks for it: inside a transaction undone at the module's end, each test in a savepoint."""

import pytest
from django.db import transaction
from django.test import override_settings

from accounts.roles import Role
from competencies.services import framework_load
from tests.analytics.scenario import build_organisation
from tests.competencies.frameworks import DIGCOMP_MINI, framework_data
from tests.factories import make_person
from tests.module_data import check_constraints_once


@pytest.fixture(scope="module")
def organisation_once(django_db_setup, django_db_blocker):
    """The 30 people with their evidence, and a CTO office reader, on the mini framework."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(COMPETENCY_PRIMARY_FRAMEWORK="mini"):
            framework_load(DIGCOMP_MINI)
            framework_load(framework_data())
            organisation = build_organisation()
            organisation.cto = make_person(roles=[Role.LEARNER, Role.CTO_OFFICE])
        check_constraints_once()
        yield organisation
        transaction.set_rollback(True)


@pytest.fixture
def shared_organisation(organisation_once, settings):
    """The module's organisation, reported on its framework as the `framework` fixture sets it.
    Tests whose figures assume small groups set ANALYTICS_MIN_GROUP_SIZE = THRESHOLD."""
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "mini"
    return organisation_once
