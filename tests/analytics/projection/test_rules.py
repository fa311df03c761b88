"""The projection's rules, statement by statement, on whichever form the database runs: the
SQL form on PostgreSQL (analytics/projection/sql.py), the Python reference elsewhere
(analytics/projection/reference.py). Every test here runs on both databases;
test_python_and_sql_agree.py holds the two forms to the same store.
"""

import pytest

from accounts.models import User
from analytics.models import Evidence, Proficiency
from analytics.projection.reference import rebuild_in_python
from analytics.projection.rules import LEVEL_LIMIT
from analytics.projection.store import rebuild
from competencies.models import Competency
from competencies.proficiency import Source
from tests.analytics.projection.statements import (
    actor,
    check,
    completion,
    evidence_rows,
    proficiency_rows,
    self_assessment,
    validation,
    voiding,
)
from xapi.models import LearnerIdentity, Statement
from xapi.services import statements_store
from xapi.vocab import (
    site_iri,
)


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
