"""The projection's rules, statement by statement, and the two forms that apply them.

On PostgreSQL the projection runs as SQL (analytics/projection_sql.py); the Python form
(analytics/projection.py) is what SQLite uses. Every test here runs on both databases, and the
last ones put a mixed stream through every path and require the same evidence and levels.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import User
from analytics.evidence_rules import LEVEL_LIMIT
from analytics.models import Evidence, Proficiency
from analytics.projection import proficiency_refresh_in_python, rebuild, rebuild_in_python
from competencies.models import Competency
from competencies.proficiency import Evidence as EvidenceItem
from competencies.proficiency import Source, reported_level
from tests.analytics.markers import rebuild_on_several_connections
from tests.factories import ForwardingEndpointFactory
from xapi.models import LearnerIdentity, Statement
from xapi.services import lrs_client_upsert, statements_store
from xapi.vocab import (
    VERB_ANSWERED,
    VERB_COMPLETED,
    VERB_PASSED,
    VERB_VOIDED,
    category_self_assessment,
    extension_level_claimed,
    extension_levels_claimed,
    site_iri,
    verb_validated,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def actor(identity: LearnerIdentity, name: str | None = None) -> dict:
    from django.conf import settings

    return {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": name or str(identity.account_name)},
    }


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def self_assessment(who, iri, level, minutes=0) -> dict:
    extensions = {} if level is None else {extension_level_claimed(): level}
    return {
        "id": str(uuid.uuid4()),
        "actor": who,
        "verb": {"id": VERB_ANSWERED},
        "object": {"id": iri},
        "result": {"extensions": extensions},
        "context": {"contextActivities": {"category": [{"id": category_self_assessment()}]}},
        "timestamp": at(minutes),
    }


def validation(who, iri, level, minutes=0) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": who,
        "verb": {"id": verb_validated()},
        "object": {"id": iri},
        "result": {"extensions": {extension_level_claimed(): level}},
        "timestamp": at(minutes),
    }


def check(who, iris, level, minutes=0, success=True) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": who,
        "verb": {"id": VERB_PASSED},
        "object": {"id": site_iri(f"xapi/activities/assessment/{uuid.uuid4()}")},
        "result": {"success": success, "extensions": {extension_level_claimed(): level}},
        "context": {"contextActivities": {"other": [{"id": iri} for iri in iris]}},
        "timestamp": at(minutes),
    }


def completion(who, levels: dict, minutes=0) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": who,
        "verb": {"id": VERB_COMPLETED},
        "object": {"id": site_iri(f"xapi/activities/course/{uuid.uuid4()}")},
        "result": {"completion": True, "extensions": {extension_levels_claimed(): levels}},
        "timestamp": at(minutes),
    }


def voiding(who, statement) -> dict:
    return {
        "actor": who,
        "verb": {"id": VERB_VOIDED},
        "object": {"objectType": "StatementRef", "id": statement["id"]},
    }


def _order(row: tuple) -> tuple:
    return tuple((value is not None, value if value is not None else 0) for value in row)


def evidence_rows() -> list[tuple]:
    return sorted(
        Evidence.objects.values_list(
            "learner_id", "competency_id", "level", "source", "occurred_at", "statement_id"
        ),
        key=_order,
    )


def proficiency_rows() -> list[tuple]:
    return sorted(
        Proficiency.objects.values_list(
            "learner_id",
            "competency_id",
            "assessed_level",
            "completion_level",
            "self_level",
            "level",
            "source",
            "evidence_at",
        ),
        key=_order,
    )


@pytest.fixture
def identities(db):
    users = [
        User.objects.create_user(email=f"person{n}@example.org", password="x") for n in range(4)
    ]
    return [LearnerIdentity.objects.create(user=user) for user in users]


@pytest.fixture
def iris(framework):
    return [c.iri for c in Competency.objects.order_by("code")[:3]]


def client_trusted_with(name: str, trusted: list[str]):
    client, _ = lrs_client_upsert(
        name=name,
        key=name,
        secret="secret-of-" + name,
        scopes=["statements/write"],
        trusted_evidence=trusted,
    )
    return client


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


@pytest.mark.django_db
def test_only_this_sites_people_and_competencies_in_canonical_form_count(identities, iris):
    person = identities[0]
    upper = str(person.account_name).upper()
    stable = iris[0].rsplit("/", 1)[1]
    other_site = f"https://elsewhere.example/xapi/activities/competency/{stable}"
    braced = iris[0].rsplit("/", 1)[0] + "/{" + stable + "}"
    statements_store(
        statements=[
            self_assessment(actor(person, upper), iris[0], 2),
            self_assessment(actor(person), other_site, 2),
            self_assessment(actor(person), braced, 2),
            self_assessment(actor(person), iris[0] + "/more", 2),
            self_assessment(actor(person), iris[1], 3),
        ],
        client=None,
    )

    assert [(row[1], row[2]) for row in evidence_rows()] == [
        (Competency.objects.get(uuid=iris[1].rsplit("/", 1)[1]).pk, 3)
    ]


@pytest.mark.django_db
# 2.0 and 1e2 arrive as floats (JSON "2.0", "1e2"): a level is written as a whole number.
@pytest.mark.parametrize("level", [2.5, 2.0, 1e2, -1, LEVEL_LIMIT + 1, True, "2", None])
def test_a_claimed_level_must_be_a_whole_number_in_range(identities, iris, level):
    person = actor(identities[0])
    statements_store(
        statements=[
            validation(person, iris[0], level),
            check(person, [iris[1]], level),
            completion(person, {iris[2]: level}),
            self_assessment(person, iris[0], level),
        ],
        client=None,
    )

    # Only the self-assessment remains, as "I don't know".
    assert [(row[2], row[3]) for row in evidence_rows()] == [(None, Source.SELF.value)]


@pytest.mark.django_db
def test_the_largest_level_allowed_is_evidence(identities, iris):
    statements_store(
        statements=[validation(actor(identities[0]), iris[0], LEVEL_LIMIT)], client=None
    )

    assert [row[2] for row in evidence_rows()] == [LEVEL_LIMIT]


@pytest.mark.django_db
def test_a_failed_check_and_an_unmarked_answer_are_not_evidence(identities, iris):
    person = actor(identities[0])
    answer = self_assessment(person, iris[0], 2)
    answer["context"] = {}
    statements_store(statements=[check(person, [iris[0]], 2, success=False), answer], client=None)

    assert evidence_rows() == []


@pytest.mark.django_db
def test_one_check_or_completion_can_evidence_several_competencies(identities, iris):
    person = actor(identities[0])
    statements_store(
        statements=[
            check(person, [iris[0], iris[1], site_iri("xapi/activities/lesson/x")], 2),
            completion(person, {iris[1]: 1, iris[2]: 3, site_iri("elsewhere"): 2}),
        ],
        client=None,
    )

    found = sorted((row[2], row[3]) for row in evidence_rows())
    assert found == [
        (1, Source.COMPLETION.value),
        (2, Source.CHECK.value),
        (2, Source.CHECK.value),
        (3, Source.COMPLETION.value),
    ]


@pytest.mark.django_db
def test_at_the_same_instant_the_higher_level_counts_as_the_later(identities, iris):
    person = actor(identities[0])
    statements_store(
        statements=[
            validation(person, iris[0], 3, minutes=5),
            validation(person, iris[0], 1, minutes=5),
            self_assessment(person, iris[1], 2, minutes=7),
            self_assessment(person, iris[1], None, minutes=7),
            # A manager's validation at the moment of a check pass still stands.
            check(person, [iris[2]], 3, minutes=9),
            validation(person, iris[2], 1, minutes=9),
        ],
        client=None,
    )

    levels = {row[1]: (row[5], row[6]) for row in proficiency_rows()}
    first, second, third = (Competency.objects.get(uuid=i.rsplit("/", 1)[1]).pk for i in iris)
    assert levels == {
        first: (3, Source.VALIDATION.value),
        second: (2, Source.SELF.value),
        third: (1, Source.VALIDATION.value),
    }


@pytest.mark.django_db
def test_authority_is_claimed_only_from_the_platform_or_a_client_trusted_for_it(iris, storers):
    """Each storer sends the same four kinds of evidence, each about a person of its own."""
    people = []
    for n, storer in enumerate(storers):
        user = User.objects.create_user(email=f"stored{n}@example.org", password="x")
        identity = LearnerIdentity.objects.create(user=user)
        people.append(identity.pk)
        who = actor(identity)
        statements_store(
            statements=[
                validation(who, iris[0], 3),
                check(who, [iris[1]], 2),
                completion(who, {iris[2]: 1}),
                self_assessment(who, iris[2], 4),
            ],
            **storer,
        )

    found = {
        n: sorted(row[3] for row in evidence_rows() if row[0] == learner)
        for n, learner in enumerate(people)
    }
    plain = [Source.COMPLETION.value, Source.SELF.value]
    assert found == {
        0: sorted([*plain, Source.VALIDATION.value, Source.CHECK.value]),  # the platform
        1: plain,  # a client trusted with nothing
        2: sorted([*plain, Source.VALIDATION.value]),
        3: sorted([*plain, Source.CHECK.value]),
        4: sorted([*plain, Source.VALIDATION.value, Source.CHECK.value]),
        5: plain,  # pulled from another LRS
    }
    validated = Proficiency.objects.filter(source=Source.VALIDATION.value)
    assert sorted(validated.values_list("learner_id", flat=True)) == [
        people[0],
        people[2],
        people[4],
    ]


@pytest.mark.django_db
def test_trust_given_later_does_not_change_what_was_stored_before(identities, iris, storers):
    untrusted = storers[1]["client"]
    statements_store(statements=[validation(actor(identities[0]), iris[0], 3)], client=untrusted)
    untrusted.trusted_evidence = ["validation"]
    untrusted.save()
    statements_store(statements=[validation(actor(identities[1]), iris[0], 2)], client=untrusted)

    rebuild()

    assert [(row[0], row[2], row[3]) for row in evidence_rows()] == [
        (identities[1].pk, 2, Source.VALIDATION.value)
    ]


STORERS = ("platform", "untrusted", "validations", "assessments", "both", "pulled")


@pytest.mark.django_db
def test_a_voiding_removes_evidence_only_when_its_sender_could_have_sent_it(iris, storers):
    """Every storer voids four statements, each about a person of its own: the platform's
    validation and self-assessment, a validation from the client trusted for validations and a
    check from the client trusted for assessments."""
    targets = {
        "platform's validation": (0, lambda who: validation(who, iris[0], 3)),
        "client's validation": (2, lambda who: validation(who, iris[0], 3)),
        "client's check": (3, lambda who: check(who, [iris[0]], 3)),
        "platform's self-assessment": (0, lambda who: self_assessment(who, iris[0], 3)),
    }
    about = {}
    for voider_name, voider in zip(STORERS, storers, strict=True):
        for target_name, (sender, make) in targets.items():
            user = User.objects.create_user(email=f"{len(about)}@example.org", password="x")
            identity = LearnerIdentity.objects.create(user=user)
            about[identity.pk] = (voider_name, target_name)
            statement = make(actor(identity))
            statements_store(statements=[statement], **storers[sender])
            statements_store(statements=[voiding(actor(identity), statement)], **voider)

    kept = sorted(about[row[0]] for row in evidence_rows())
    assert kept == [
        ("assessments", "client's validation"),
        ("assessments", "platform's validation"),
        ("pulled", "client's check"),
        ("pulled", "client's validation"),
        ("pulled", "platform's validation"),
        ("untrusted", "client's check"),
        ("untrusted", "client's validation"),
        ("untrusted", "platform's validation"),
        ("validations", "client's check"),
    ]
    # Voided for xAPI reads all the same.
    assert Statement.objects.filter(voided=True).count() == len(about)
    incremental = (evidence_rows(), proficiency_rows())
    rebuild()
    assert (evidence_rows(), proficiency_rows()) == incremental
    Proficiency.objects.all().delete()
    Evidence.objects.all().delete()
    rebuild_in_python()
    assert (evidence_rows(), proficiency_rows()) == incremental


@pytest.mark.django_db
def test_a_voiders_trust_is_judged_when_it_stored_the_voiding(identities, iris, storers):
    untrusted, validations = storers[1]["client"], storers[2]["client"]
    first, second = (validation(actor(identities[n]), iris[0], 3) for n in (0, 1))
    statements_store(statements=[first, second], client=None)
    statements_store(statements=[voiding(actor(identities[0]), first)], client=untrusted)
    statements_store(statements=[voiding(actor(identities[1]), second)], client=validations)
    untrusted.trusted_evidence = ["validation"]
    untrusted.save()
    validations.trusted_evidence = []
    validations.save()

    rebuild()

    assert [(row[0], row[3]) for row in evidence_rows()] == [
        (identities[0].pk, Source.VALIDATION.value)
    ]


@pytest.mark.django_db
def test_a_voiding_stored_before_its_target_is_judged_when_the_target_arrives(
    identities, iris, storers
):
    untrusted, validations = storers[1]["client"], storers[2]["client"]
    voided_by_untrusted = validation(actor(identities[0]), iris[0], 3)
    voided_by_platform = validation(actor(identities[1]), iris[0], 3)
    statements_store(
        statements=[voiding(actor(identities[0]), voided_by_untrusted)], client=untrusted
    )
    statements_store(statements=[voiding(actor(identities[1]), voided_by_platform)], client=None)

    statements_store(statements=[voided_by_untrusted, voided_by_platform], client=validations)

    assert [(row[0], row[3]) for row in evidence_rows()] == [
        (identities[0].pk, Source.VALIDATION.value)
    ]
    assert Statement.objects.filter(voided=True).count() == 2


@pytest.mark.django_db
def test_a_clients_voiding_of_its_own_validation_outlasts_the_client(identities, iris, storers):
    validations = storers[2]["client"]
    statement = validation(actor(identities[0]), iris[0], 3)
    statements_store(statements=[statement], client=validations)
    validations.trusted_evidence = []
    validations.save()
    statements_store(statements=[voiding(actor(identities[0]), statement)], client=validations)
    assert evidence_rows() == []

    validations.delete()
    rebuild()

    assert evidence_rows() == []


def store_stream(batches: list[list[dict]], storers: list[dict]) -> None:
    """Each batch stored by the next storer in turn, so every rule of trust is exercised, and
    voidings come from every kind of sender. Half way, the client trusted with both kinds loses
    its trust: its later statements, and its voidings of its own earlier ones, are judged as an
    untrusted client's."""
    for n, batch in enumerate(batches):
        if n == len(batches) // 2:
            withdrawn = storers[4]["client"]
            withdrawn.trusted_evidence = []
            withdrawn.save()
        statements_store(statements=batch, **storers[n % len(storers)])


def random_stream(identities, iris, seed: int) -> list[list[dict]]:
    """Batches of mixed statements, with times drawn from few instants so ties happen, some
    about nobody the platform knows, and voidings: of statements stored earlier (voided
    already or not), of a statement in the same batch, and ahead of the statement they void."""
    rng = random.Random(seed)
    stranger = {
        "objectType": "Agent",
        "account": {"homePage": "https://elsewhere.example", "name": "a"},
    }
    people = [actor(identity) for identity in identities] + [stranger]
    batches, stored, ahead = [], [], []
    for _ in range(12):
        batch, ahead = ahead, []  # statements whose voiding was stored before them
        for _ in range(rng.randint(1, 8)):
            who, iri, minutes = rng.choice(people), rng.choice(iris), rng.randint(0, 6) * 10
            level = rng.choice([0, 1, 2, 3, 4, None])
            kind = rng.randrange(5)
            made = None
            if kind == 0:
                made = self_assessment(who, iri, level, minutes)
            elif kind == 1 and level is not None:
                made = validation(who, iri, level, minutes)
            elif kind == 2 and level is not None:
                made = check(who, rng.sample(iris, rng.randint(1, 2)), level, minutes)
            elif kind == 3 and level is not None:
                made = completion(who, {iri: level}, minutes)
            elif stored:
                batch.append(voiding(who, rng.choice(stored)))
            fate = rng.randrange(8)
            if made and fate == 0:
                batch += [made, voiding(who, made)]
            elif made and fate == 1:
                batch.append(voiding(who, made))
                ahead.append(made)
            elif made:
                batch.append(made)
        stored += [s for s in batch if s["verb"]["id"] != VERB_VOIDED]
        batches.append(batch)
    return [*batches, ahead] if ahead else batches


def forget_client(storers: list[dict]) -> None:
    """Delete the client whose trust was withdrawn half way: its statements stay, and so must
    everything judged from them."""
    storers[4]["client"].delete()


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_rebuild_and_both_forms_give_the_same_store(identities, iris, storers, seed):
    store_stream(random_stream(identities, iris, seed), storers)
    incremental = (evidence_rows(), proficiency_rows())
    assert incremental[0], "the stream should leave evidence"
    forget_client(storers)

    rebuild()
    rebuilt = (evidence_rows(), proficiency_rows())

    Proficiency.objects.all().delete()
    Evidence.objects.all().delete()
    rebuild_in_python()
    in_python = (evidence_rows(), proficiency_rows())

    assert rebuilt == incremental
    assert in_python == incremental


# Committed statements and no transaction around the rebuild: PostgreSQL's rebuild then
# projects slices of the stream on several connections at once.
@rebuild_on_several_connections
def test_a_rebuild_on_several_connections_gives_the_incremental_store(
    identities, iris, storers, settings
):
    settings.ANALYTICS_REBUILD_WORKERS = 3
    store_stream(random_stream(identities, iris, seed=4), storers)
    incremental = (evidence_rows(), proficiency_rows())
    assert incremental[0], "the stream should leave evidence"
    forget_client(storers)

    rebuild()

    assert (evidence_rows(), proficiency_rows()) == incremental


@pytest.mark.django_db
def test_stored_levels_follow_the_reference_rule(identities, iris, storers):
    store_stream(random_stream(identities, iris, seed=7), storers)
    evidence: dict[tuple, list] = {}
    for learner, competency, level, source, occurred_at, _ in evidence_rows():
        item = EvidenceItem(Source(source), level, occurred_at)
        evidence.setdefault((learner, competency), []).append(item)
    expected = []
    for (learner, competency), items in evidence.items():
        r = reported_level(items)
        source = r.source.value if r.source else ""
        expected.append(
            (learner, competency, r.assessed, r.completion, r.self_level, r.level, source, r.at)
        )

    expected.sort(key=_order)
    assert proficiency_rows() == expected
    Proficiency.objects.all().delete()
    proficiency_refresh_in_python(set(evidence), replacing=False)
    assert proficiency_rows() == expected
