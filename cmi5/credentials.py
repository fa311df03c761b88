"""Session credentials: what an AU's fetched token may do in the LRS, and what its accepted
statements change. Registered with xapi.gates from the app's ready()."""

import hashlib
import hmac
import json
import re
import uuid
from functools import partial

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cmi5 import progress
from cmi5.models import Session
from cmi5.rules import (
    COMPLETED,
    FAILED,
    INITIALIZED,
    PASSED,
    TERMINATED,
    SessionFacts,
    facts_after,
    is_defined,
    statement_refusal,
)
from cmi5.services import LAUNCH_DATA, LEARNER_PREFERENCES, SESSION_KEY_PREFIX
from cmi5.xapi import au_activity_id
from xapi.agents import agent_key
from xapi.gates import (
    RESOURCE_ACTIVITY_PROFILE,
    RESOURCE_AGENT_PROFILE,
    RESOURCE_STATE,
    RESOURCE_STATEMENTS,
    IssuedCredential,
)
from xapi.http.errors import XapiHttpError
from xapi.models import LrsClient

KIND = "cmi5"
CLIENT_KEY = "cmi5-sessions"
EFFECTIVE = {INITIALIZED, TERMINATED, COMPLETED, PASSED, FAILED}
_LANGUAGE_RE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def sessions_client() -> LrsClient:
    """The LRS client every session acts as: its name is the statements' authority. It has no
    usable secret, so nobody can sign in as it directly."""
    client, _ = LrsClient.objects.get_or_create(
        key=CLIENT_KEY,
        defaults={
            "name": "cmi5 launch sessions",
            "secret_hash": make_password(None),
            "scopes": ["statements/write", "state", "profile"],
        },
    )
    return client


def session_authenticate(key: str, secret: str) -> IssuedCredential | None:
    if not key.startswith(SESSION_KEY_PREFIX):
        return None
    try:
        session_uuid = uuid.UUID(hex=key[len(SESSION_KEY_PREFIX) :])
    except ValueError:
        return None
    session = (
        Session.objects.select_related("registration", "au")
        .filter(uuid=session_uuid)
        .exclude(secret_digest="")
        .first()
    )
    digest = hashlib.sha256(secret.encode()).hexdigest()
    if session is None or not hmac.compare_digest(session.secret_digest, digest):
        return None
    return IssuedCredential(kind=KIND, client=sessions_client(), subject=session)


def _forbid(message: str) -> XapiHttpError:
    return XapiHttpError(403, message)


def session_gate(request, resource: str):
    # Read fresh by session_authenticate for this very request.
    session: Session = request.credential.subject
    if not session.is_open:
        raise _forbid("This launch session has ended; its credentials no longer work.")
    if resource == RESOURCE_STATEMENTS:
        if request.method not in ("PUT", "POST"):
            raise _forbid("A launch session writes statements; it does not read them.")
        return _statements_gate(request, session)
    if resource == RESOURCE_STATE:
        _state_gate(request, session)
        return None
    if resource == RESOURCE_AGENT_PROFILE:
        _agent_profile_gate(request, session)
        return None
    if resource == RESOURCE_ACTIVITY_PROFILE and request.method == "GET":
        return None
    raise _forbid("A launch session may not use this resource.")


def _session_agent(request, session: Session) -> None:
    raw = request.params.get("agent")
    if raw is None:
        return  # the resource answers 400 for the missing parameter, as xAPI says
    try:
        key = agent_key(json.loads(raw))
    except (ValueError, TypeError, KeyError, AttributeError):
        return  # not an Agent at all: the resource's own validation answers
    if key != agent_key(session.registration.actor):
        raise _forbid("A launch session reads and writes only its own learner's documents.")


def _state_gate(request, session: Session) -> None:
    _session_agent(request, session)
    if request.params.get("activityId") != au_activity_id(session.au):
        raise _forbid("A launch session uses only its own activity's state.")
    if request.params.get("registration", "").lower() != str(session.registration.uuid):
        raise _forbid("A launch session uses only its own registration's state.")
    if request.method != "GET" and request.params.get("stateId") in (LAUNCH_DATA, None):
        raise _forbid("LMS.LaunchData is written by the LMS only (cmi5 10.2).")


def _agent_profile_gate(request, session: Session) -> None:
    _session_agent(request, session)
    if request.params.get("profileId") != LEARNER_PREFERENCES:
        return
    if request.method == "GET":
        if session.preferences_read_at is None:
            Session.objects.filter(pk=session.pk).update(preferences_read_at=timezone.now())
        return
    if request.method == "DELETE":
        raise _forbid("Learner preferences may be changed, not deleted.")
    if request.content_type != "application/json":
        raise _forbid("Learner preferences are a JSON object (cmi5 11).")
    try:
        preferences = json.loads(request.body)
    except ValueError:
        raise _forbid("Learner preferences are a JSON object (cmi5 11).") from None
    if not isinstance(preferences, dict):
        raise _forbid("Learner preferences are a JSON object (cmi5 11).")
    language = preferences.get("languagePreference")
    if not isinstance(language, str) or not all(
        _LANGUAGE_RE.match(item) for item in language.split(",")
    ):
        raise _forbid("languagePreference is a comma-separated list of language codes.")
    if preferences.get("audioPreference") not in ("on", "off"):
        raise _forbid("audioPreference is on or off.")


def _facts(session: Session) -> SessionFacts:
    registration, au = session.registration, session.au
    state = registration.progress.filter(au=au).first()
    return SessionFacts(
        actor=registration.actor,
        activity_id=au_activity_id(au),
        registration=str(registration.uuid),
        session_id=str(session.uuid),
        launch_mode=session.launch_mode,
        mastery_score=float(au.mastery_score) if au.mastery_score is not None else None,
        preferences_read=session.preferences_read_at is not None,
        initialized=session.initialized_at is not None,
        terminated=session.terminated_at is not None,
        session_completed=session.completed,
        session_judged=session.passed or session.failed,
        au_completed=bool(state and state.completed),
        au_passed=bool(state and state.passed),
    )


def _statements_gate(request, session: Session):
    if request.content_type not in ("application/json", ""):
        raise _forbid("A launch session sends statements as application/json.")
    try:
        payload = json.loads(request.body)
    except ValueError:
        raise XapiHttpError(400, "The request body is not valid JSON.") from None
    if request.method == "PUT":
        if isinstance(payload, dict) and "id" not in payload:
            payload = {**payload, "id": request.params.get("statementId")}
        statements = [payload]
    else:
        statements = payload if isinstance(payload, list) else [payload]
    facts = _facts(session)
    for statement in statements:
        refusal = statement_refusal(statement, facts)
        if refusal:
            raise _forbid(refusal)
        facts = facts_after(statement, facts)
    effective = [s for s in statements if s["verb"]["id"] in EFFECTIVE and is_defined(s)]
    # Other statements, "cmi5 allowed" ones among them (a video's own completed, say), change
    # nothing the LMS keeps: no need to look again once stored.
    return partial(_statements_apply, session.pk, effective) if effective else None


@transaction.atomic
def _statements_apply(session_pk: int, statements: list[dict]) -> None:
    session = (
        Session.objects.select_for_update()
        .select_related("registration", "au")
        .filter(pk=session_pk)
        .first()
    )
    if session is None:
        return  # the course was removed meanwhile: nothing is left to update
    session_id = str(session.uuid)
    for statement in statements:
        verb = statement["verb"]["id"]
        result = statement.get("result") or {}
        score = result.get("score") or {}
        if verb == INITIALIZED:
            session.initialized_at = timezone.now()
        elif verb == TERMINATED:
            session.terminated_at = timezone.now()
        elif verb in (COMPLETED, PASSED, FAILED):
            session.completed |= verb == COMPLETED
            session.passed |= verb == PASSED
            session.failed |= verb == FAILED
            session.save()
            progress.au_result_record(
                registration=session.registration,
                au=session.au,
                completed=verb == COMPLETED,
                passed=verb == PASSED,
                failed=verb == FAILED,
                score_scaled=score.get("scaled"),
                session_id=session_id,
            )
    session.save()
