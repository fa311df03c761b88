"""Writes for cmi5: launching an AU, the one-time fetch, ending sessions, waiving AUs."""

import base64
import hashlib
import json
import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from cmi5 import progress
from cmi5.models import AssignableUnit, AuProgress, LaunchMode, Registration, Session
from cmi5.xapi import (
    EXT_SESSION_ID,
    WAIVE_REASONS,
    au_activity_id,
    record_abandoned,
    record_launched,
    record_waived,
)
from packages.serving import content_origin, content_url
from xapi.agents import agent_key
from xapi.identity import learner_agent
from xapi.models import Document

LAUNCH_DATA = "LMS.LaunchData"
LEARNER_PREFERENCES = "cmi5LearnerPreferences"
# Session credentials are "<prefix><session uuid hex>:<secret>" (see cmi5.credentials).
SESSION_KEY_PREFIX = "cmi5-session-"
# An AU asks for its credentials as it loads; a launch URL found later in a history or a log
# must not yield them.
FETCH_WITHIN = timedelta(minutes=15)


class LaunchRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def endpoint_url() -> str:
    """The LRS endpoint AUs are given: on the content origin, beside the package's files, so an
    AU's requests are same-origin and the platform's own LRS grants no cross-origin access."""
    return f"{content_origin()}/package-content/cmi5/xapi"


def fetch_url(token: str) -> str:
    return f"{content_origin()}/package-content/cmi5/fetch/{token}"


def au_url(au: AssignableUnit) -> str:
    """The AU's own URL made absolute (relative URLs are files of the package)."""
    parts = urlsplit(au.url)
    if parts.scheme:
        return au.url
    url = content_url(au.course.package, parts.path)
    return f"{url}?{parts.query}" if parts.query else url


def preview_actor() -> dict:
    """A throwaway Agent for a preview: no person's pseudonym, so nothing is about anyone."""
    return {
        "objectType": "Agent",
        "account": {
            "homePage": f"{settings.SITE_URL}/cmi5/preview",
            "name": f"preview-{uuid.uuid4()}",
        },
    }


def registration_for(*, user, course, preview: bool = False) -> tuple[Registration, bool]:
    """The learner's registration for the course (made the first time), or a new preview one."""
    if preview:
        return Registration.objects.create(course=course, preview=True, actor=preview_actor()), True
    existing = Registration.objects.filter(course=course, user=user, preview=False).first()
    if existing:
        return existing, False
    actor = learner_agent(user=user).as_version("1.0.3")
    try:
        with transaction.atomic():
            return Registration.objects.create(course=course, user=user, actor=actor), True
    except IntegrityError:
        # A launch in another tab registered the learner a moment ago: share its registration.
        return Registration.objects.get(course=course, user=user, preview=False), False


@transaction.atomic
def au_launch(
    *,
    user,
    au: AssignableUnit,
    return_url: str,
    launch_mode: str = "Normal",
    preview: bool = False,
    registration: Registration | None = None,
) -> str:
    """Start a session of the AU for the learner and return the URL that launches it.

    Any session of the registration still open is abandoned first (cmi5 9.3.6). A new
    registration satisfies its NotApplicable AUs, and the blocks they complete, at once.
    """
    if launch_mode not in LaunchMode.values:
        raise LaunchRefused(
            # Translators: Normal, Browse and Review are cmi5's launch modes, kept in English.
            gettext("Unknown launch mode %(mode)s: use Normal, Browse or Review.")
            % {"mode": repr(launch_mode)}
        )
    if registration is None:
        registration, created = registration_for(user=user, course=au.course, preview=preview)
    else:
        created = False
    now = timezone.now()
    for open_session in Session.objects.select_related("au", "registration").filter(
        registration=registration, terminated_at=None, abandoned_at=None
    ):
        session_abandon(session=open_session, at=now)
    session = Session.objects.create(
        registration=registration,
        au=au,
        launch_mode=launch_mode,
        return_url=return_url,
        launch_url=au_url(au),
        fetch_token=secrets.token_urlsafe(32),
    )
    if created:
        progress.registration_start(registration=registration, session_id=str(session.uuid))
    _launch_data_write(session)
    _learner_preferences_write(registration)
    if not registration.preview:
        record_launched(session)
    parts = urlsplit(session.launch_url)
    query = urlencode(
        {
            "endpoint": endpoint_url(),
            "fetch": fetch_url(session.fetch_token),
            "actor": json.dumps(registration.actor, separators=(",", ":")),
            "registration": str(registration.uuid),
            "activityId": au_activity_id(au),
        }
    )
    return urlunsplit(parts._replace(query=f"{parts.query}&{query}" if parts.query else query))


def _launch_data_write(session: Session) -> None:
    au = session.au
    data = {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": au.publisher_id}]},
            "extensions": {EXT_SESSION_ID: str(session.uuid)},
        },
        "launchMode": session.launch_mode,
        "launchMethod": au.launch_method,
        "launchParameters": au.launch_parameters,
        "moveOn": au.move_on,
        "entitlementKey": {"courseStructure": au.entitlement_key},
    }
    if au.mastery_score is not None:
        data["masteryScore"] = float(au.mastery_score)
    if session.return_url:
        data["returnURL"] = session.return_url
    document_write(
        kind=Document.Kind.STATE,
        activity_id=au_activity_id(au),
        agent=session.registration.actor,
        registration=str(session.registration.uuid),
        document_id=LAUNCH_DATA,
        content=data,
    )


def _learner_preferences_write(registration: Registration) -> None:
    key = agent_key(registration.actor)
    if Document.objects.filter(
        kind=Document.Kind.AGENT_PROFILE, agent_key=key, document_id=LEARNER_PREFERENCES
    ).exists():
        return  # the learner's (or the AU's) choice stands
    language = settings.LANGUAGE_CODE
    document_write(
        kind=Document.Kind.AGENT_PROFILE,
        activity_id="",
        agent=registration.actor,
        registration="",
        document_id=LEARNER_PREFERENCES,
        content={"languagePreference": language, "audioPreference": "on"},
    )


def document_write(
    *, kind: str, activity_id: str, agent: dict, registration: str, document_id: str, content
) -> None:
    """Store a JSON document in the LRS's document store, as a PUT would."""
    body = json.dumps(content, separators=(",", ":")).encode("utf-8")
    Document.objects.update_or_create(
        kind=kind,
        activity_id=activity_id,
        agent_key=agent_key(agent),
        registration=registration,
        document_id=document_id,
        defaults={
            "content": body,
            "content_type": "application/json",
            "etag": f'"{hashlib.sha1(body, usedforsecurity=False).hexdigest()}"',
            "updated": timezone.now(),
        },
    )


@transaction.atomic
def session_fetch(*, token: str) -> dict:
    """Answer a POST to a fetch URL: the session's credentials the first time, cmi5's error
    object after that (cmi5 8.2)."""
    session = (
        Session.objects.select_for_update().filter(fetch_token=token).first() if token else None
    )
    if session is None:
        return {"error-code": "3", "error-text": "This fetch URL is not known."}
    if session.fetched_at is not None:
        return {"error-code": "1", "error-text": "This fetch URL has already been used."}
    if not session.is_open or timezone.now() - session.launched_at > FETCH_WITHIN:
        return {"error-code": "2", "error-text": "This launch has expired; launch the AU again."}
    secret = secrets.token_urlsafe(32)
    session.secret_digest = hashlib.sha256(secret.encode()).hexdigest()
    session.fetched_at = timezone.now()
    session.save(update_fields=["secret_digest", "fetched_at"])
    credentials = f"{SESSION_KEY_PREFIX}{session.uuid.hex}:{secret}"
    return {"auth-token": base64.b64encode(credentials.encode()).decode()}


@transaction.atomic
def session_abandon(*, session: Session, at=None) -> bool:
    """End an open session the AU never terminated; returns whether it was open."""
    session = (
        Session.objects.select_for_update().select_related("au", "registration").get(pk=session.pk)
    )
    if not session.is_open:
        return False
    at = at or timezone.now()
    session.abandoned_at = at
    session.save(update_fields=["abandoned_at"])
    if not session.registration.preview:
        record_abandoned(session, at=at)
    return True


@transaction.atomic
def au_waive(*, registration: Registration, au: AssignableUnit, reason: str) -> None:
    """Waive the AU for the registration (cmi5 9.3.7): it counts as satisfied."""
    if reason not in WAIVE_REASONS:
        raise LaunchRefused(
            # Translators: the reasons are cmi5's own words, kept in English.
            gettext("The reason must be one of %(reasons)s.")
            % {"reasons": ", ".join(WAIVE_REASONS)}
        )
    if au.course_id != registration.course_id:
        raise LaunchRefused(gettext("That AU is not in the registration's course."))
    state, _ = AuProgress.objects.select_for_update().get_or_create(
        registration=registration, au=au
    )
    if state.satisfied:
        raise LaunchRefused(gettext("That AU is already satisfied; there is nothing to waive."))
    session_id = str(uuid.uuid4())
    state.waived = True
    state.save(update_fields=["waived", "updated_at"])
    record_waived(registration, au, reason=reason, session_id=session_id)
    progress.registration_evaluate(registration=registration, session_id=session_id)
