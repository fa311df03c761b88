"""The only place that turns competency events (self-assessment, manager validation) into
xAPI statements; the xapi app records them."""

from datetime import datetime

from tincan import Activity, ActivityDefinition, Context, ContextActivities, Result, Statement

from accounts.models import User
from competencies.models import Competency
from xapi.client import statement_record, verb
from xapi.identity import learner_agent
from xapi.vocab import (
    LANGUAGE,
    VERB_ANSWERED,
    category_self_assessment,
    extension_level_claimed,
    verb_validated,
)


def _competency_activity(competency: Competency) -> Activity:
    return Activity(
        id=competency.iri,
        definition=ActivityDefinition(name={LANGUAGE: f"{competency.code} {competency.title}"}),
    )


def self_assessment_statement(
    *, user: User, competency: Competency, level: int | None, when: datetime
) -> str:
    """Record a self-assessment answer; "I don't know" is recorded with no level at all."""
    activity = _competency_activity(competency)
    result = (
        Result(extensions={extension_level_claimed(): level})
        if level is not None
        else Result(response="unknown")
    )
    statement = Statement(
        actor=learner_agent(user=user),
        verb=verb(VERB_ANSWERED),
        object=activity,
        result=result,
        context=Context(
            context_activities=ContextActivities(
                category=[Activity(id=category_self_assessment())], other=[activity]
            )
        ),
        timestamp=when,
    )
    return statement_record(statement, attempt=when.isoformat())


def manager_validation_statement(
    *, learner: User, manager: User, competency: Competency, level: int, when: datetime
) -> str:
    """Record a line manager's judgement: the learner is the actor, the manager the
    instructor, both pseudonymous. The manager's comment stays in the LMS: free text may name
    people, and learning records must not."""
    activity = _competency_activity(competency)
    statement = Statement(
        actor=learner_agent(user=learner),
        verb=verb(verb_validated()),
        object=activity,
        result=Result(extensions={extension_level_claimed(): level}),
        context=Context(
            instructor=learner_agent(user=manager),
            context_activities=ContextActivities(other=[activity]),
        ),
        timestamp=when,
    )
    return statement_record(statement, attempt=when.isoformat())
