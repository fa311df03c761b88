"""The evidence projection follows the statement stream, incrementally and by rebuild."""

import uuid

import pytest
from django.db import connection
from django.urls import reverse

from analytics.models import Evidence, Proficiency
from analytics.projection import rebuild
from analytics.projection_sql import STORE_TABLES
from analytics.selectors import projection_version
from competencies.models import Competency
from competencies.services import manager_validation_record, self_assessment_save
from tests.courses.helpers import form, lessons, right_answers
from xapi.identity import learner_agent
from xapi.models import LearnerIdentity
from xapi.services import statements_store
from xapi.vocab import VERB_VOIDED, category_self_assessment, extension_level_claimed


def levels(user):
    identity = LearnerIdentity.objects.get(user=user)
    return {
        p.competency.code: (p.level, p.source, p.assessed_level, p.completion_level, p.self_level)
        for p in Proficiency.objects.filter(learner=identity).select_related("competency")
    }


def snapshot():
    return sorted(
        Proficiency.objects.values_list(
            "learner_id",
            "competency_id",
            "level",
            "source",
            "assessed_level",
            "completion_level",
            "self_level",
            "evidence_at",
        )
    )


@pytest.mark.django_db
def test_self_assessment_becomes_evidence_and_dont_know_stays_unknown(learner, framework):
    da1, da2 = Competency.objects.get(code="DA.1"), Competency.objects.get(code="DA.2")

    self_assessment_save(user=learner, answers={da1: 2, da2: None})

    assert levels(learner) == {
        "DA.1": (2, "self-assessment", None, None, 2),
        "DA.2": (None, "", None, None, None),
    }
    assert Evidence.objects.count() == 2


@pytest.mark.django_db
def test_validation_outranks_self_assessment(learner, department_lead, framework):
    da1 = Competency.objects.get(code="DA.1")
    self_assessment_save(user=learner, answers={da1: 3})

    manager_validation_record(manager=department_lead, learner=learner, competency=da1, level=2)

    assert levels(learner)["DA.1"] == (2, "manager validation", 2, None, 3)


@pytest.mark.django_db
def test_checks_and_course_completion_become_evidence(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    for lesson in lessons():
        if lesson.knowledge_check() is not None:
            client.post(reverse("submit_check", args=[lesson.pk]), form(right_answers(lesson)))
        else:
            client.post(reverse("complete_lesson", args=[lesson.pk]))

    found = levels(learner)
    assert found["DA.1"][:2] == (2, "knowledge check")
    assert found["SP.1"][:2] == (1, "course completion")


@pytest.mark.django_db
def test_statements_from_outside_are_projected_and_voiding_removes_them(learner, framework):
    da1 = Competency.objects.get(code="DA.1")
    statement = {
        "id": str(uuid.uuid4()),
        "actor": learner_agent(user=learner).as_version("1.0.3"),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": da1.iri},
        "result": {"extensions": {extension_level_claimed(): 3}},
        "context": {"contextActivities": {"category": [{"id": category_self_assessment()}]}},
    }
    statements_store(statements=[statement], client=None)
    assert levels(learner)["DA.1"][0] == 3

    statements_store(
        statements=[
            {
                "actor": statement["actor"],
                "verb": {"id": VERB_VOIDED},
                "object": {"objectType": "StatementRef", "id": statement["id"]},
            }
        ],
        client=None,
    )

    assert Evidence.objects.count() == 0
    assert levels(learner) == {}


@pytest.mark.django_db
def test_statements_about_people_of_other_sites_are_ignored(framework):
    da1 = Competency.objects.get(code="DA.1")
    statements_store(
        statements=[
            {
                "actor": {"mbox": "mailto:someone@example.org"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                "object": {"id": da1.iri},
                "result": {"extensions": {extension_level_claimed(): 3}},
                "context": {
                    "contextActivities": {"category": [{"id": category_self_assessment()}]}
                },
            }
        ],
        client=None,
    )

    assert Evidence.objects.count() == 0


@pytest.mark.django_db
def test_rebuild_gives_the_same_result_as_incremental_updates(
    client, learner, department_lead, course
):
    da1, sp1 = Competency.objects.get(code="DA.1"), Competency.objects.get(code="SP.1")
    self_assessment_save(user=learner, answers={da1: 1, sp1: 3})
    self_assessment_save(user=department_lead, answers={da1: None})
    manager_validation_record(manager=department_lead, learner=learner, competency=sp1, level=2)
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    first = lessons()[0]
    client.post(reverse("submit_check", args=[first.pk]), form(right_answers(first)))
    incremental = snapshot()
    evidence_count = Evidence.objects.count()
    version = projection_version()

    rebuild()

    assert snapshot() == incremental
    assert Evidence.objects.count() == evidence_count
    assert projection_version() != version


def test_a_rebuild_that_fails_part_way_leaves_the_store_as_it_was(learner, framework, monkeypatch):
    da1 = Competency.objects.get(code="DA.1")
    self_assessment_save(user=learner, answers={da1: 2})
    before = snapshot()
    assert before

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    # The last step of a rebuild, after the evidence is written, on either database.
    monkeypatch.setattr("analytics.projection_sql.refresh_proficiency", broken)
    monkeypatch.setattr("analytics.projection.proficiency_refresh_in_python", broken)
    with pytest.raises(RuntimeError):
        rebuild()

    assert snapshot() == before


def store_structure() -> list[tuple]:
    """The reporting store's indexes and constraints, as PostgreSQL defines them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 'index', indexrelid::regclass::text, pg_get_indexdef(indexrelid)
            FROM pg_index WHERE indrelid = ANY(%s::regclass[])
            UNION ALL
            SELECT 'constraint', conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])
            ORDER BY 1, 2
            """,
            [list(STORE_TABLES), list(STORE_TABLES)],
        )
        return cursor.fetchall()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's rebuild only")
def test_a_rebuild_on_postgresql_puts_back_every_index_and_constraint(learner, framework):
    da1 = Competency.objects.get(code="DA.1")
    self_assessment_save(user=learner, answers={da1: 2})
    before = store_structure()
    assert any(kind == "constraint" and "FOREIGN KEY" in text for kind, _, text in before)

    rebuild()

    assert store_structure() == before
    assert Proficiency.objects.get().level == 2
