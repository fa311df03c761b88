"""Learners appear in statements under an opaque pseudonym, which erasure unlinks."""

import json
import uuid

import pytest
from tincan import Activity, Statement

from tests.factories import make_person
from xapi import vocab
from xapi.client import statement_record, verb
from xapi.identity import (
    learner_agent,
    learner_identity_erase,
    site_authority,
)
from xapi.models import LearnerIdentity
from xapi.models import Statement as StoredStatement

SITE = "https://academy.example.gov"
LESSON = uuid.UUID("33333333-4444-4555-8666-777777777777")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _experienced(actor) -> Statement:
    return Statement(
        actor=actor,
        verb=verb(vocab.VERB_EXPERIENCED),
        object=Activity(id=vocab.activity_iri("lesson", LESSON)),
    )


@pytest.mark.django_db
def test_learner_agent_is_an_account_on_the_site_and_nothing_else():
    person = make_person()

    agent = learner_agent(user=person).as_version("1.0.3")

    identity = LearnerIdentity.objects.get(user=person)
    assert agent == {
        "objectType": "Agent",
        "account": {"homePage": SITE, "name": str(identity.account_name)},
    }


@pytest.mark.django_db
def test_learner_agent_is_stable_per_person_and_distinct_across_people():
    first, second = make_person(), make_person()

    names = [learner_agent(user=person).account.name for person in (first, second, first)]

    assert names[0] == names[2]
    assert names[0] != names[1]
    assert LearnerIdentity.objects.count() == 2


@pytest.mark.django_db
def test_stored_statement_carries_no_name_or_email_of_the_person():
    person = make_person(email="jo.bloggs@example.org", first_name="Jo", last_name="Bloggs")

    recorded = statement_record(_experienced(learner_agent(user=person)))

    data = StoredStatement.objects.get(statement_id=recorded).data
    assert set(data["actor"]) == {"objectType", "account"}
    text = json.dumps(data)
    for personal in ("jo.bloggs", "Jo", "Bloggs", "mbox"):
        assert personal not in text


@pytest.mark.django_db
def test_learner_identity_erase_keeps_statements_but_unlinks_them():
    person = make_person()
    name = learner_agent(user=person).account.name
    recorded = statement_record(_experienced(learner_agent(user=person)))
    before = StoredStatement.objects.get(statement_id=recorded).data

    assert learner_identity_erase(user=person) is True

    assert not LearnerIdentity.objects.filter(account_name=name).exists()
    assert StoredStatement.objects.get(statement_id=recorded).data == before
    assert not LearnerIdentity.objects.filter(user=person).exists()
    assert learner_identity_erase(user=person) is False


@pytest.mark.django_db
def test_learner_agent_after_erasure_is_a_new_unrelated_pseudonym():
    person = make_person()
    old = learner_agent(user=person).account.name
    learner_identity_erase(user=person)

    new = learner_agent(user=person).account.name

    assert new != old
    assert LearnerIdentity.objects.get(account_name=new).user == person


def test_site_authority_is_the_lms_account_on_the_site():
    assert site_authority() == {
        "objectType": "Agent",
        "account": {"homePage": SITE, "name": "lms"},
    }
