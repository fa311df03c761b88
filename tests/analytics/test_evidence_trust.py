"""Replay: an LRS client sends a manager's validation about a learner over /xapi/statements.

From a client no administrator trusted for validations the statement is stored (the LRS stays
conformant) but the learner's level and the department report stay as they were; from a
trusted client both change. The organisation is tests/analytics/scenario.py's: o3 is a CRS
officer who assessed themselves at 0 in DA.1 (officers need 1).
"""

import base64
import json
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from analytics.models import Evidence, Proficiency
from competencies.models import Competency
from competencies.proficiency import Source
from tests.analytics.test_end_to_end import DA1, download_csv
from xapi.identity import learner_agent
from xapi.models import Statement, StatementOrigin
from xapi.services import lrs_client_upsert
from xapi.vocab import (
    VERB_ANSWERED,
    VERB_VOIDED,
    category_self_assessment,
    extension_level_claimed,
    verb_validated,
)

OFFICER = ["CRS", "citizen-service-officer", "Citizen service officer"]
# Officers, DA.1 (target 1) as the scenario leaves them: o1 2, o2 1, o3 0, o4 1, o8 2 known;
# 8 people, known 5, unknown 3 (37.5%), meeting 4 (80.0%), below o3 = 1, mean gap 0.20,
# priority 0.20 x 1 below x 2 roles = 0.40.
OFFICERS_DA1 = [*OFFICER, *DA1, "8", "5", "3", "37.5", "4", "80.0", "1", "0.20", "0.40", "0", "no"]
# With o3 validated at 3: meeting 5 (100.0%), nobody below, mean gap 0.00, priority 0.00.
OFFICERS_DA1_O3_VALIDATED = [
    *OFFICER, *DA1, "8", "5", "3", "37.5", "5", "100.0", "0", "0.00", "0.00", "0", "no",
]  # fmt: skip
# The row carries no sources: o3 meeting the target by their own answer reads the same.
OFFICERS_DA1_O3_MEETING = OFFICERS_DA1_O3_VALIDATED


def basic(key: str, secret: str) -> dict:
    credentials = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {credentials}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


def post_statement(client, *, key: str, secret: str, statement: dict) -> str:
    statement = {"id": str(uuid.uuid4()), **statement}
    response = client.post(
        "/xapi/statements",
        data=json.dumps(statement),
        content_type="application/json",
        **basic(key, secret),
    )
    assert response.status_code == 200, response.content
    assert response.json() == [statement["id"]]
    return statement["id"]


def post_validation(client, *, key: str, secret: str, learner, competency, level: int):
    statement = {
        "actor": learner_agent(user=learner).as_version("1.0.3"),
        "verb": {"id": verb_validated(), "display": {"en-GB": "validated"}},
        "object": {"objectType": "Activity", "id": competency.iri},
        "result": {"extensions": {extension_level_claimed(): level}},
    }
    return post_statement(client, key=key, secret=secret, statement=statement)


def officers_da1(client, organisation) -> list[str]:
    cache.clear()  # reports are fresh for a minute; each reading here wants the current one
    client.force_login(organisation.managers["CRS"])
    rows = download_csv(client, reverse("department_export", args=["CRS", "csv"]))
    client.logout()
    return next(row for row in rows if row[:6] == [*OFFICER, *DA1])


def level_of(person, competency) -> tuple:
    row = Proficiency.objects.get(learner__user=person, competency=competency)
    return row.level, row.source


def post_self_assessment(client, *, key: str, secret: str, learner, competency, level: int):
    statement = {
        "actor": learner_agent(user=learner).as_version("1.0.3"),
        "verb": {"id": VERB_ANSWERED, "display": {"en-GB": "answered"}},
        "object": {"objectType": "Activity", "id": competency.iri},
        "result": {"extensions": {extension_level_claimed(): level}},
        "context": {"contextActivities": {"category": [{"id": category_self_assessment()}]}},
    }
    return post_statement(client, key=key, secret=secret, statement=statement)


def post_voiding(client, *, key: str, secret: str, learner, target: str) -> str:
    statement = {
        "actor": learner_agent(user=learner).as_version("1.0.3"),
        "verb": {"id": VERB_VOIDED, "display": {"en-GB": "voided"}},
        "object": {"objectType": "StatementRef", "id": target},
    }
    return post_statement(client, key=key, secret=secret, statement=statement)


def read_statuses(client, statement_id: str) -> tuple[int, int]:
    """What the LRS answers for a statement by statementId and by voidedStatementId."""
    headers = basic("reader", "reader-secret")
    return tuple(
        client.get("/xapi/statements", {name: statement_id}, **headers).status_code
        for name in ("statementId", "voidedStatementId")
    )


@pytest.fixture
def clients(db):
    """An appraisal system trusted for validations, an authoring tool trusted with nothing,
    and a reader to see what the LRS answers."""
    for name, key, trusted, scopes in (
        ("HR appraisal system", "appraisals", ["validation"], ["statements/write"]),
        ("Authoring tool", "tool", [], ["statements/write"]),
        ("Reporting reader", "reader", [], ["statements/read"]),
    ):
        lrs_client_upsert(
            name=name, key=key, secret=f"{key}-secret", scopes=scopes, trusted_evidence=trusted
        )


@pytest.fixture
def organisation(shared_organisation):
    """The scenario's organisation, built once for this module (tests/analytics/conftest.py)."""
    return shared_organisation


@pytest.fixture
def da1(organisation):
    return Competency.objects.get(framework__slug="mini", code="DA.1")


@pytest.mark.django_db
def test_a_validation_from_an_untrusted_client_is_stored_but_changes_no_level(
    client, organisation, da1
):
    lrs_client_upsert(
        name="Authoring tool", key="tool", secret="tool-secret", scopes=["statements/write"]
    )
    o3 = organisation.people["o3"]

    statement_id = post_validation(
        client, key="tool", secret="tool-secret", learner=o3, competency=da1, level=3
    )

    stored = Statement.objects.get(statement_id=statement_id)
    assert (stored.origin, stored.client.name, stored.trusted_evidence) == (
        StatementOrigin.CLIENT,
        "Authoring tool",
        [],
    )
    assert stored.data["authority"]["account"] == {
        "homePage": settings.SITE_URL,
        "name": "lrs-client/tool",
    }
    assert level_of(o3, da1) == (0, Source.SELF.value)
    assert officers_da1(client, organisation) == OFFICERS_DA1


@pytest.mark.django_db
def test_a_validation_from_a_client_trusted_for_validations_sets_the_level(
    client, organisation, da1
):
    lrs_client_upsert(
        name="HR appraisal system",
        key="appraisals",
        secret="appraisal-secret",
        scopes=["statements/write"],
        trusted_evidence=["validation"],
    )
    o3 = organisation.people["o3"]

    statement_id = post_validation(
        client, key="appraisals", secret="appraisal-secret", learner=o3, competency=da1, level=3
    )

    stored = Statement.objects.get(statement_id=statement_id)
    assert (stored.origin, stored.trusted_evidence) == (StatementOrigin.CLIENT, ["validation"])
    assert level_of(o3, da1) == (3, Source.VALIDATION.value)
    assert officers_da1(client, organisation) == OFFICERS_DA1_O3_VALIDATED


@pytest.mark.django_db
def test_a_client_trusted_only_for_assessments_cannot_validate(client, organisation, da1):
    lrs_client_upsert(
        name="Quiz engine",
        key="quiz",
        secret="quiz-secret",
        scopes=["statements/write"],
        trusted_evidence=["assessment"],
    )
    o3 = organisation.people["o3"]

    post_validation(client, key="quiz", secret="quiz-secret", learner=o3, competency=da1, level=3)

    assert level_of(o3, da1) == (0, Source.SELF.value)
    assert officers_da1(client, organisation) == OFFICERS_DA1


@pytest.mark.django_db
def test_the_platforms_own_validation_is_recorded_as_the_platforms(organisation, da1):
    validated = Statement.objects.filter(verb_id=verb_validated())

    # The scenario's line managers confirmed levels through the platform (o4, a4, f7).
    assert (
        list(validated.values_list("origin", "client", "trusted_evidence"))
        == [(StatementOrigin.PLATFORM, None, [])] * 3
    )
    assert {s.data["authority"]["account"]["name"] for s in validated} == {"lms"}


@pytest.mark.django_db
def test_an_untrusted_client_voiding_a_trusted_validation_changes_no_level(
    client, organisation, da1, clients
):
    o3 = organisation.people["o3"]
    validation = post_validation(
        client, key="appraisals", secret="appraisals-secret", learner=o3, competency=da1, level=3
    )

    voiding = post_voiding(client, key="tool", secret="tool-secret", learner=o3, target=validation)

    # The LRS stores the voiding and voids the validation for every xAPI read ...
    stored = Statement.objects.get(statement_id=voiding)
    assert (stored.origin, stored.client.name, stored.trusted_evidence) == (
        StatementOrigin.CLIENT,
        "Authoring tool",
        [],
    )
    assert read_statuses(client, validation) == (404, 200)
    # ... but a sender that could not have validated cannot take a validation away.
    assert level_of(o3, da1) == (3, Source.VALIDATION.value)
    assert officers_da1(client, organisation) == OFFICERS_DA1_O3_VALIDATED


@pytest.mark.django_db
def test_an_untrusted_client_voiding_the_platforms_own_validation_changes_no_level(
    client, organisation, da1, clients
):
    o4 = organisation.people["o4"]  # assessed themselves at 3; their manager confirmed 1
    validation = str(
        Evidence.objects.get(
            learner__user=o4, competency=da1, source=Source.VALIDATION.value
        ).statement_id
    )

    post_voiding(client, key="tool", secret="tool-secret", learner=o4, target=validation)

    assert read_statuses(client, validation) == (404, 200)
    assert level_of(o4, da1) == (1, Source.VALIDATION.value)
    assert officers_da1(client, organisation) == OFFICERS_DA1


@pytest.mark.django_db
def test_an_untrusted_client_voiding_its_own_statement_removes_its_evidence(
    client, organisation, da1, clients
):
    o3 = organisation.people["o3"]
    answer = post_self_assessment(
        client, key="tool", secret="tool-secret", learner=o3, competency=da1, level=2
    )
    assert level_of(o3, da1) == (2, Source.SELF.value)
    assert officers_da1(client, organisation) == OFFICERS_DA1_O3_MEETING

    post_voiding(client, key="tool", secret="tool-secret", learner=o3, target=answer)

    assert read_statuses(client, answer) == (404, 200)
    assert level_of(o3, da1) == (0, Source.SELF.value)
    assert officers_da1(client, organisation) == OFFICERS_DA1


@pytest.mark.django_db
def test_a_client_voiding_its_own_validation_removes_it_after_its_trust_is_withdrawn(
    client, organisation, da1, clients
):
    o3 = organisation.people["o3"]
    validation = post_validation(
        client, key="appraisals", secret="appraisals-secret", learner=o3, competency=da1, level=3
    )
    lrs_client_upsert(
        name="HR appraisal system",
        key="appraisals",
        secret="appraisals-secret",
        scopes=["statements/write"],
        trusted_evidence=[],
    )

    post_voiding(
        client, key="appraisals", secret="appraisals-secret", learner=o3, target=validation
    )

    assert level_of(o3, da1) == (0, Source.SELF.value)
    assert officers_da1(client, organisation) == OFFICERS_DA1


@pytest.mark.django_db
def test_another_client_trusted_for_validations_may_void_a_validation(
    client, organisation, da1, clients
):
    lrs_client_upsert(
        name="Second appraisal system",
        key="appraisals2",
        secret="appraisals2-secret",
        scopes=["statements/write"],
        trusted_evidence=["validation"],
    )
    o3 = organisation.people["o3"]
    validation = post_validation(
        client, key="appraisals", secret="appraisals-secret", learner=o3, competency=da1, level=3
    )

    post_voiding(
        client, key="appraisals2", secret="appraisals2-secret", learner=o3, target=validation
    )

    assert level_of(o3, da1) == (0, Source.SELF.value)
    assert officers_da1(client, organisation) == OFFICERS_DA1
