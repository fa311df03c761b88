"""The evidence projection follows the statement stream, incrementally and by rebuild."""

import io
import threading
import time
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from analytics.models import Evidence, Proficiency
from analytics.projection import sql_rebuild
from analytics.projection.sql_rebuild import STORE_TABLES, staging_name
from analytics.projection.store import rebuild
from analytics.reports.store_frames import projection_version
from competencies.models import Competency
from competencies.services import manager_validation_record, self_assessment_save
from tests.analytics.markers import rebuild_on_several_connections
from tests.courses.helpers import form, lessons, right_answers
from xapi.identity import learner_agent, learner_identity_erase
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

    # The step of a rebuild after the evidence is written, on either database.
    monkeypatch.setattr("analytics.projection.sql_rebuild._proficiency_steps", broken)
    monkeypatch.setattr("analytics.projection.reference.proficiency_refresh_in_python", broken)
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
    assert any(kind == "constraint" and "PRIMARY KEY" in text for kind, _, text in before)
    assert any(kind == "constraint" and "UNIQUE" in text for kind, _, text in before)
    assert any(kind == "constraint" and "CHECK" in text for kind, _, text in before)

    rebuild()

    assert store_structure() == before
    assert Proficiency.objects.get().level == 2


def evidence_rows() -> list[tuple]:
    return sorted(
        Evidence.objects.values_list(
            "learner_id", "competency_id", "level", "source", "occurred_at", "statement_id"
        )
    )


def copies_left() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s)",
            [[staging_name(name) for name in STORE_TABLES]],
        )
        return cursor.fetchall()


def store_some_evidence(learner, department_lead):
    da1, sp1 = Competency.objects.get(code="DA.1"), Competency.objects.get(code="SP.1")
    self_assessment_save(user=learner, answers={da1: 1, sp1: 3})
    self_assessment_save(user=department_lead, answers={da1: None, sp1: 2})
    manager_validation_record(manager=department_lead, learner=learner, competency=sp1, level=2)
    self_assessment_save(user=learner, answers={da1: 2})


# Committed statements, as in production: each connection of a rebuild then sees them.
@rebuild_on_several_connections
def test_a_rebuild_on_several_connections_gives_the_same_store(
    learner, department_lead, framework, settings
):
    settings.ANALYTICS_REBUILD_WORKERS = 3
    store_some_evidence(learner, department_lead)
    levels_before, evidence_before = snapshot(), evidence_rows()
    structure, version = store_structure(), projection_version()

    written = rebuild()

    assert written == len(evidence_before) == 6
    assert (snapshot(), evidence_rows()) == (levels_before, evidence_before)
    assert store_structure() == structure
    assert projection_version() != version
    assert copies_left() == []
    # The store takes new evidence as before.
    self_assessment_save(user=learner, answers={Competency.objects.get(code="DA.2"): 3})
    assert levels(learner)["DA.2"][0] == 3


@rebuild_on_several_connections
def test_a_rebuild_on_several_connections_that_fails_leaves_the_store_and_no_copies(
    learner, department_lead, framework, settings, monkeypatch
):
    settings.ANALYTICS_REBUILD_WORKERS = 2
    store_some_evidence(learner, department_lead)
    before, structure = (snapshot(), evidence_rows()), store_structure()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("analytics.projection.sql_rebuild._proficiency_steps", broken)
    with pytest.raises(RuntimeError):
        rebuild()

    assert (snapshot(), evidence_rows()) == before
    assert store_structure() == structure
    assert copies_left() == []


def on_another_connection(work) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as error:  # reported by the test's assertions
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def wait_for_a_blocked_writer(seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the other connection's write never waited for the rebuild")


@rebuild_on_several_connections
def test_during_a_rebuild_readers_carry_on_and_new_statements_reach_the_new_store(
    learner, department_lead, framework, settings, monkeypatch
):
    settings.ANALYTICS_REBUILD_WORKERS = 2
    store_some_evidence(learner, department_lead)
    rows_before = Evidence.objects.count()
    da2 = Competency.objects.get(code="DA.2")
    during: dict = {}
    proficiency_steps = sql_rebuild._proficiency_steps

    def midway(*args, **kwargs):
        # The new evidence is written beside the old store, which is still in place.
        def read():
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '5s'")
            return Evidence.objects.count()

        reader, during["read"] = on_another_connection(read)
        reader.join(15)
        during["writer"], during["write"] = on_another_connection(
            lambda: self_assessment_save(user=learner, answers={da2: 3})
        )
        wait_for_a_blocked_writer()
        return proficiency_steps(*args, **kwargs)

    monkeypatch.setattr("analytics.projection.sql_rebuild._proficiency_steps", midway)
    rebuild()
    during["writer"].join(30)

    assert during["read"] == {"value": rows_before}
    assert "error" not in during["write"], during["write"]
    assert Evidence.objects.count() == rows_before + 1
    assert levels(learner)["DA.2"][0] == 3


@pytest.mark.django_db
def test_forgetting_a_person_removes_their_evidence_and_a_rebuild_does_not_bring_it_back(
    learner, department_lead, framework
):
    store_some_evidence(learner, department_lead)
    identity = LearnerIdentity.objects.get(user=learner)
    assert Evidence.objects.filter(learner=identity).exists()

    learner_identity_erase(user=learner)

    assert not Evidence.objects.filter(learner_id=identity.pk).exists()
    assert not Proficiency.objects.filter(learner_id=identity.pk).exists()
    rebuild()
    assert not Evidence.objects.filter(learner_id=identity.pk).exists()
    assert Evidence.objects.filter(learner__user=department_lead).count() == 2


@pytest.mark.django_db
def test_the_rebuild_command_says_what_it_wrote_and_with_more_detail_each_stages_time(
    learner, department_lead, framework
):
    store_some_evidence(learner, department_lead)
    out = io.StringIO()

    call_command("rebuild_evidence", verbosity=2, stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("Rebuilt 6 evidence rows in ")
    if connection.vendor == "postgresql":
        stages = [line.strip().split(":")[0] for line in lines[:-1]]
        assert stages == [
            "lock the store and create its copies",
            "evidence",
            "levels",
            "statistics",
            "indexes",
            "swap",
        ]
    quiet = io.StringIO()
    call_command("rebuild_evidence", stdout=quiet)
    assert len(quiet.getvalue().splitlines()) == 1


@rebuild_on_several_connections
def test_two_rebuilds_at_once_take_turns(learner, department_lead, framework, settings):
    settings.ANALYTICS_REBUILD_WORKERS = 2
    store_some_evidence(learner, department_lead)
    before, structure = (snapshot(), evidence_rows()), store_structure()

    runs = [on_another_connection(rebuild) for _ in range(2)]
    for thread, _ in runs:
        thread.join(60)

    assert [outcome for _, outcome in runs] == [{"value": 6}, {"value": 6}]
    assert (snapshot(), evidence_rows()) == before
    assert store_structure() == structure
    assert copies_left() == []
