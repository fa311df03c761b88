"""cmi5's rules for what an AU may send in a session (cmi5 spec sections 9.1 to 9.7).

Pure: a statement and what is known of the session in, the reason for refusing it (or None)
out. `facts_after` says what an accepted statement changes, so a batch is judged in order.
"""

import re
from dataclasses import dataclass, replace
from datetime import datetime

from cmi5.xapi import CATEGORY_CMI5, CATEGORY_MOVEON, EXT_MASTERY_SCORE, EXT_SESSION_ID

V = "http://adlnet.gov/expapi/verbs/"
INITIALIZED, COMPLETED, PASSED, FAILED, TERMINATED = (
    V + "initialized",
    V + "completed",
    V + "passed",
    V + "failed",
    V + "terminated",
)
VOIDED = V + "voided"
# Only the LMS sends these for an AU.
LMS_ONLY = {
    V + "launched",
    "https://w3id.org/xapi/adl/verbs/abandoned",
    "https://w3id.org/xapi/adl/verbs/waived",
    "https://w3id.org/xapi/adl/verbs/satisfied",
}
DEFINED = {INITIALIZED, COMPLETED, PASSED, FAILED, TERMINATED}
MOVE_ON_VERBS = {COMPLETED, PASSED, FAILED}
_UTC_RE = re.compile(r"(Z|[+-]00:?00)$")


@dataclass(frozen=True)
class SessionFacts:
    actor: dict
    activity_id: str
    registration: str
    session_id: str
    launch_mode: str
    mastery_score: float | None
    preferences_read: bool = False
    initialized: bool = False
    terminated: bool = False
    session_completed: bool = False
    session_judged: bool = False  # passed or failed in this session
    au_completed: bool = False  # in any session of the registration
    au_passed: bool = False


def statement_refusal(statement, facts: SessionFacts) -> str | None:
    if not isinstance(statement, dict):
        return "A statement must be a JSON object."
    if not statement.get("id"):
        return "The AU must give every statement an id (cmi5 9.1)."
    timestamp = statement.get("timestamp")
    if not isinstance(timestamp, str) or not timestamp:
        return "The AU must give every statement a timestamp (cmi5 9.7)."
    if not _UTC_RE.search(timestamp.strip()):
        return "The statement's timestamp must be in UTC (cmi5 9.7)."
    if facts.terminated:
        return "The session has ended: it takes no more statements."
    refusal = _actor_refusal(statement.get("actor"), facts)
    if refusal:
        return refusal
    verb = (
        (statement.get("verb") or {}).get("id") if isinstance(statement.get("verb"), dict) else None
    )
    if verb == VOIDED:
        return "An AU's credentials cannot void statements."
    if verb in LMS_ONLY:
        return "Only the LMS sends launched, abandoned, waived and satisfied statements."
    context = statement.get("context")
    if not isinstance(context, dict):
        return "The statement must have a context (cmi5 9.6)."
    if str(context.get("registration", "")).lower() != facts.registration:
        return "The statement's registration must be the launch's registration (cmi5 9.6.1)."
    extensions = context.get("extensions") if isinstance(context.get("extensions"), dict) else {}
    if extensions.get(EXT_SESSION_ID) != facts.session_id:
        return "The statement must carry the session id from the launch data (cmi5 9.6.3.1)."
    categories = _category_ids(context)
    defined = CATEGORY_CMI5 in categories
    if not facts.initialized and not (defined and verb == INITIALIZED):
        return "The first statement of a session must be initialized (cmi5 9.3)."
    if not defined:
        # A "cmi5 allowed" statement (cmi5 7.1.3): any verb, even one cmi5 defines (a video's
        # own initialized or completed), about any object (a slide, a question, a video), so
        # long as it carries the context template. The session rules of 9.3 ignore it.
        if CATEGORY_MOVEON in categories:
            return "Only completed, passed and failed statements may carry the moveOn category."
        return None
    if verb not in DEFINED:
        return "Only cmi5 defined verbs may carry the cmi5 category (cmi5 7.1.3)."
    target = statement.get("object")
    if (
        not isinstance(target, dict)
        or target.get("objectType", "Activity") != "Activity"
        or target.get("id") != facts.activity_id
    ):
        return "The statement's object must be the activity id the launch gave (cmi5 8.1.5)."
    if verb not in MOVE_ON_VERBS and CATEGORY_MOVEON in categories:
        return "Only completed, passed and failed statements may carry the moveOn category."
    if verb == INITIALIZED:
        if facts.initialized:
            return "The session is already initialized (cmi5 9.3.2)."
        if not facts.preferences_read:
            return "The AU must read the learner's preferences before it initializes (cmi5 11)."
        return None
    result = statement.get("result") if isinstance(statement.get("result"), dict) else None
    if verb == TERMINATED:
        if result and ("completion" in result or "success" in result):
            return "Only completed, passed and failed set completion or success (cmi5 9.5)."
        if not result or not result.get("duration"):
            return "terminated must give result.duration (cmi5 9.5.4.1)."
        return None
    if facts.launch_mode != "Normal":
        return f"In {facts.launch_mode} mode an AU may not send completed, passed or failed."
    if CATEGORY_MOVEON not in categories:
        return "completed, passed and failed must carry the moveOn category (cmi5 9.6.2.2)."
    if not result or not result.get("duration"):
        return "completed, passed and failed must give result.duration (cmi5 9.5.4.1)."
    if verb == COMPLETED:
        return _completed_refusal(result, facts)
    return _judged_refusal(verb, result, extensions, facts)


def _actor_refusal(actor, facts: SessionFacts) -> str | None:
    if not isinstance(actor, dict) or actor.get("objectType", "Agent") != "Agent":
        return "The actor must be the Agent the launch gave (cmi5 9.2)."
    if "mbox" in actor or "mbox_sha1sum" in actor or "openid" in actor:
        return "The actor must be identified by the launch's account (cmi5 9.2)."
    if actor.get("account") != facts.actor["account"]:
        return "The actor must be the Agent the launch gave (cmi5 9.2)."
    return None


def _category_ids(context: dict) -> set[str]:
    activities = context.get("contextActivities")
    if not isinstance(activities, dict):
        return set()
    category = activities.get("category") or []
    if isinstance(category, dict):
        category = [category]
    return {item.get("id") for item in category if isinstance(item, dict)}


def _completed_refusal(result: dict, facts: SessionFacts) -> str | None:
    if result.get("completion") is not True:
        return "completed must set result.completion to true (cmi5 9.5.3)."
    if "success" in result:
        return "completed may not set result.success (cmi5 9.5.2)."
    if "score" in result:
        return "completed may not carry a score (cmi5 9.5.1)."
    if facts.session_completed or facts.au_completed:
        return "The AU is already completed in this registration (cmi5 9.3)."
    return None


def _judged_refusal(verb: str, result: dict, extensions: dict, facts: SessionFacts) -> str | None:
    passing = verb == PASSED
    if result.get("success") is not passing:
        name, value = ("passed", "true") if passing else ("failed", "false")
        return f"{name} must set result.success to {value} (cmi5 9.5.2)."
    if "completion" in result:
        return "passed and failed may not set result.completion (cmi5 9.5.3)."
    if facts.session_judged or facts.au_passed:
        return "The AU already has its pass or fail for this session or registration (cmi5 9.3)."
    score = result.get("score")
    if not isinstance(score, dict):
        return None
    if "raw" in score and ("min" not in score or "max" not in score):
        return "A raw score needs min and max (cmi5 9.5.1)."
    if facts.mastery_score is None:
        return None
    if extensions.get(EXT_MASTERY_SCORE) != facts.mastery_score:
        return "A scored pass or fail must carry the launch's masteryScore (cmi5 9.6.3.2)."
    scaled = score.get("scaled")
    if isinstance(scaled, int | float) and not isinstance(scaled, bool):
        if passing and scaled < facts.mastery_score:
            return "passed needs a scaled score of at least the masteryScore (cmi5 9.3.4)."
        if not passing and scaled >= facts.mastery_score:
            return "failed needs a scaled score below the masteryScore (cmi5 9.3.5)."
    return None


def is_defined(statement: dict) -> bool:
    """A "cmi5 defined" statement, the only kind session and satisfaction rules count: it
    carries the cmi5 category (cmi5 7.1.3). Asked only of statements already accepted."""
    context = statement.get("context")
    return isinstance(context, dict) and CATEGORY_CMI5 in _category_ids(context)


def facts_after(statement: dict, facts: SessionFacts) -> SessionFacts:
    if not is_defined(statement):
        return facts
    verb = statement["verb"]["id"]
    if verb == INITIALIZED:
        return replace(facts, initialized=True)
    if verb == TERMINATED:
        return replace(facts, terminated=True)
    if verb == COMPLETED:
        return replace(facts, session_completed=True, au_completed=True)
    if verb == PASSED:
        return replace(facts, session_judged=True, au_passed=True)
    if verb == FAILED:
        return replace(facts, session_judged=True)
    return facts


def statement_time(statement: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
    except (KeyError, ValueError, AttributeError):
        return None
