"""The LMS's own cmi5 statements (launched, abandoned, waived, satisfied) and the cmi5
vocabulary the launch data and the session rules share."""

from datetime import datetime, timedelta

from django.utils import timezone
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    AgentAccount,
    Context,
    ContextActivities,
    Extensions,
    Result,
    Statement,
)

from cmi5.models import AssignableUnit, Block, Course, Registration, Session
from xapi.client import statement_record, verb
from xapi.vocab import VERB_ABANDONED, VERB_LAUNCHED, VERB_SATISFIED, VERB_WAIVED, activity_iri

# cmi5's IRIs (cmi5 spec section 9), under w3id.org where the spec mints them.
CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CATEGORY_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
EXT_SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
EXT_MASTERY_SCORE = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
EXT_LAUNCH_MODE = "https://w3id.org/xapi/cmi5/context/extensions/launchmode"
EXT_LAUNCH_URL = "https://w3id.org/xapi/cmi5/context/extensions/launchurl"
EXT_MOVE_ON = "https://w3id.org/xapi/cmi5/context/extensions/moveon"
EXT_LAUNCH_PARAMETERS = "https://w3id.org/xapi/cmi5/context/extensions/launchparameters"
EXT_REASON = "https://w3id.org/xapi/cmi5/result/extensions/reason"
TYPE_COURSE = "https://w3id.org/xapi/cmi5/activitytype/course"
TYPE_BLOCK = "https://w3id.org/xapi/cmi5/activitytype/block"
WAIVE_REASONS = ("Tested", "Equivalent", "Administrative", "Unavailable")


def au_activity_id(au: AssignableUnit) -> str:
    return activity_iri("cmi5-au", au.uuid)


def block_activity_id(block: Block) -> str:
    return activity_iri("cmi5-block", block.uuid)


def course_activity_id(course: Course) -> str:
    return activity_iri("cmi5-course", course.uuid)


def actor_agent(actor: dict) -> Agent:
    account = actor["account"]
    return Agent(
        object_type="Agent",
        account=AgentAccount(home_page=account["homePage"], name=account["name"]),
    )


def _context(
    registration: Registration,
    session_id: str,
    *,
    grouping: list[str] = (),
    moveon: bool = False,
    extensions: dict | None = None,
) -> Context:
    categories = [Activity(id=CATEGORY_CMI5)]
    if moveon:
        categories.append(Activity(id=CATEGORY_MOVEON))
    return Context(
        registration=str(registration.uuid),
        context_activities=ContextActivities(
            category=categories,
            grouping=[Activity(id=item) for item in grouping] or None,
        ),
        extensions=Extensions({EXT_SESSION_ID: session_id, **(extensions or {})}),
    )


def record_launched(session: Session) -> None:
    au = session.au
    extensions = {
        EXT_LAUNCH_MODE: session.launch_mode,
        EXT_LAUNCH_URL: session.launch_url,
        EXT_MOVE_ON: au.move_on,
        EXT_LAUNCH_PARAMETERS: au.launch_parameters,
    }
    if au.mastery_score is not None:
        extensions[EXT_MASTERY_SCORE] = float(au.mastery_score)
    statement = Statement(
        actor=actor_agent(session.registration.actor),
        verb=verb(VERB_LAUNCHED),
        object=Activity(id=au_activity_id(au)),
        context=_context(
            session.registration,
            str(session.uuid),
            grouping=[au.publisher_id],
            extensions=extensions,
        ),
        timestamp=timezone.now(),
    )
    statement_record(statement, attempt=str(session.uuid))


def record_abandoned(session: Session, *, at: datetime) -> None:
    started = session.initialized_at or session.launched_at
    statement = Statement(
        actor=actor_agent(session.registration.actor),
        verb=verb(VERB_ABANDONED),
        object=Activity(id=au_activity_id(session.au)),
        result=Result(duration=max(at - started, timedelta(0))),
        context=_context(
            session.registration, str(session.uuid), grouping=[session.au.publisher_id]
        ),
        timestamp=at,
    )
    statement_record(statement, attempt=str(session.uuid))


def record_waived(registration: Registration, au: AssignableUnit, *, reason: str, session_id: str):
    statement = Statement(
        actor=actor_agent(registration.actor),
        verb=verb(VERB_WAIVED),
        object=Activity(id=au_activity_id(au)),
        result=Result(success=True, completion=True, extensions=Extensions({EXT_REASON: reason})),
        context=_context(registration, session_id, grouping=[au.publisher_id], moveon=True),
        timestamp=timezone.now(),
    )
    statement_record(statement, attempt=str(registration.uuid))


def record_satisfied(
    registration: Registration, *, activity_id: str, publisher_id: str, kind: str, session_id: str
) -> None:
    statement = Statement(
        actor=actor_agent(registration.actor),
        verb=verb(VERB_SATISFIED),
        object=Activity(id=activity_id, definition=ActivityDefinition(type=kind)),
        context=_context(registration, session_id, grouping=[publisher_id]),
        timestamp=timezone.now(),
    )
    statement_record(statement, attempt=str(registration.uuid))
