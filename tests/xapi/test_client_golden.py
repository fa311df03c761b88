"""Statements the LMS records, built with tincan, against golden JSON files.

Each golden file is the statement as stored, less `stored` (the only value that depends on
the clock). To rewrite them after a deliberate change: `XAPI_UPDATE_GOLDEN=1 pytest tests/xapi
-k golden`, then read the diff before committing it.
"""

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tincan import (
    Activity,
    ActivityDefinition,
    Context,
    ContextActivities,
    InteractionComponent,
    Result,
    Score,
    Statement,
)

from tests.factories import make_person
from xapi import vocab
from xapi.client import statement_record, verb
from xapi.identity import learner_agent
from xapi.models import LearnerIdentity
from xapi.models import Statement as StoredStatement

GOLDEN = Path(__file__).parent / "golden"
SITE = "https://academy.example.gov"
LEARNER_NAME = uuid.UUID("0b7e4c3a-5d1f-4a8e-9c2b-6f1d2e3a4b5c")
MANAGER_NAME = uuid.UUID("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
COURSE = uuid.UUID("11111111-2222-4333-8444-555555555555")
MODULE = uuid.UUID("22222222-3333-4444-8555-666666666666")
LESSON = uuid.UUID("33333333-4444-4555-8666-777777777777")
ASSESSMENT = uuid.UUID("44444444-5555-4666-8777-888888888888")
QUESTION = uuid.UUID("55555555-6666-4777-8888-999999999999")
COMPETENCY = uuid.UUID("66666666-7777-4888-8999-aaaaaaaaaaaa")
REGISTRATION = uuid.UUID("77777777-8888-4999-8aaa-bbbbbbbbbbbb")
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _activity(kind, stable_id, activity_type=None, name=None, **definition):
    if activity_type:
        definition["type"] = activity_type
    if name:
        definition["name"] = {vocab.LANGUAGE: name}
    return Activity(
        id=vocab.activity_iri(kind, stable_id),
        definition=ActivityDefinition(**definition) if definition else None,
    )


def _course():
    return _activity("course", COURSE, vocab.ACTIVITY_TYPE_COURSE, "Data basics")


def _competency():
    return _activity("competency", COMPETENCY, name="Working with data")


def _in_course(**activities):
    return Context(
        registration=REGISTRATION,
        context_activities=ContextActivities(grouping=[_course()], **activities),
        language=vocab.LANGUAGE,
    )


def registered_course(learner, manager):
    statement = Statement(
        actor=learner,
        verb=verb(vocab.VERB_REGISTERED),
        object=_course(),
        context=Context(registration=REGISTRATION),
        timestamp=WHEN,
    )
    return statement, str(REGISTRATION)


def experienced_lesson(learner, manager):
    lesson = _activity("lesson", LESSON, vocab.ACTIVITY_TYPE_LESSON, "Reading a table")
    module = _activity("module", MODULE, vocab.ACTIVITY_TYPE_MODULE, "Finding data")
    statement = Statement(
        actor=learner,
        verb=verb(vocab.VERB_EXPERIENCED),
        object=lesson,
        context=_in_course(parent=[module]),
        timestamp=WHEN,
    )
    return statement, str(REGISTRATION)


def answered_interaction(learner, manager):
    question = _activity(
        "question",
        QUESTION,
        vocab.ACTIVITY_TYPE_INTERACTION,
        "Which chart shows change over time?",
        interaction_type="choice",
        correct_responses_pattern=["line"],
        choices=[
            InteractionComponent(id="line", description={vocab.LANGUAGE: "A line chart"}),
            InteractionComponent(id="pie", description={vocab.LANGUAGE: "A pie chart"}),
        ],
    )
    assessment = _activity("assessment", ASSESSMENT, vocab.ACTIVITY_TYPE_ASSESSMENT)
    statement = Statement(
        actor=learner,
        verb=verb(vocab.VERB_ANSWERED),
        object=question,
        # tincan writes five seconds as PT05S: zero-padded, valid ISO 8601.
        result=Result(response="line", success=True, duration=timedelta(seconds=5)),
        context=_in_course(parent=[assessment]),
        timestamp=WHEN,
    )
    return statement, "attempt-1"


def passed_assessment(learner, manager):
    statement = Statement(
        actor=learner,
        verb=verb(vocab.VERB_PASSED),
        object=_activity(
            "assessment", ASSESSMENT, vocab.ACTIVITY_TYPE_ASSESSMENT, "Data basics check"
        ),
        result=Result(
            score=Score(scaled=0.8, raw=8, min=0, max=10),
            success=True,
            completion=True,
            duration=timedelta(hours=2),
        ),
        context=_in_course(),
        timestamp=WHEN,
    )
    return statement, "attempt-1"


def completed_course(learner, manager):
    statement = Statement(
        actor=learner,
        verb=verb(vocab.VERB_COMPLETED),
        object=_course(),
        result=Result(completion=True),
        context=Context(registration=REGISTRATION),
        timestamp=WHEN,
    )
    return statement, str(REGISTRATION)


def progressed_course(learner, manager):
    statement = Statement(
        actor=learner,
        verb=verb(vocab.VERB_PROGRESSED),
        object=_course(),
        result=Result(extensions={vocab.extension_progress(): 40}),
        context=Context(registration=REGISTRATION),
        timestamp=WHEN,
    )
    # Each step of progress is its own event.
    return statement, f"{REGISTRATION}/40"


def self_assessment(learner, manager):
    statement = Statement(
        actor=learner,
        verb=verb(vocab.VERB_ANSWERED),
        object=_competency(),
        result=Result(extensions={vocab.extension_level_claimed(): 2}),
        context=Context(
            context_activities=ContextActivities(
                category=[Activity(id=vocab.category_self_assessment())],
                other=[_competency()],
            ),
        ),
        timestamp=WHEN,
    )
    return statement, "2026-03-02"


def manager_validation(learner, manager):
    statement = Statement(
        actor=learner,
        verb=verb(vocab.verb_validated()),
        object=_competency(),
        result=Result(extensions={vocab.extension_level_claimed(): 2}),
        context=Context(
            instructor=manager,
            context_activities=ContextActivities(other=[_competency()]),
        ),
        timestamp=WHEN,
    )
    return statement, "2026-03-09"


CASES = [
    registered_course,
    experienced_lesson,
    answered_interaction,
    passed_assessment,
    completed_course,
    progressed_course,
    self_assessment,
    manager_validation,
]


@pytest.fixture
def agents(db, settings):
    settings.SITE_URL = SITE
    learner, manager = make_person(), make_person()
    # Fixed pseudonyms, so that actors and statement ids are the same on every run.
    LearnerIdentity.objects.create(user=learner, account_name=LEARNER_NAME)
    LearnerIdentity.objects.create(user=manager, account_name=MANAGER_NAME)
    return learner_agent(user=learner), learner_agent(user=manager)


@pytest.mark.parametrize("build", CASES, ids=lambda build: build.__name__)
def test_statement_record_stores_the_golden_statement(agents, build):
    statement, attempt = build(*agents)

    statement_id = statement_record(statement, attempt=attempt)

    stored = StoredStatement.objects.get(statement_id=statement_id).data
    stored.pop("stored")
    path = GOLDEN / f"{build.__name__}.json"
    if os.environ.get("XAPI_UPDATE_GOLDEN"):
        path.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
    assert stored == json.loads(path.read_text())
