"""The xAPI vocabulary the LMS writes: ADL verbs and activity types, and the site's own IRIs."""

import re
import uuid

from django.conf import settings

# -- ADL verbs (http://adlnet.gov/expapi/verbs/, xAPI 1.0.3 and the ADL vocabulary) -------------

VERB_REGISTERED = "http://adlnet.gov/expapi/verbs/registered"
VERB_EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
VERB_PASSED = "http://adlnet.gov/expapi/verbs/passed"
VERB_FAILED = "http://adlnet.gov/expapi/verbs/failed"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_PROGRESSED = "http://adlnet.gov/expapi/verbs/progressed"
VERB_LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
VERB_INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
VERB_TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"
VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# cmi5 defines these three under w3id.org, not adlnet.gov.
VERB_SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
VERB_ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
VERB_WAIVED = "https://w3id.org/xapi/adl/verbs/waived"

# -- ADL activity types ------------------------------------------------------------------------

ACTIVITY_TYPE_COURSE = "http://adlnet.gov/expapi/activities/course"
ACTIVITY_TYPE_MODULE = "http://adlnet.gov/expapi/activities/module"
ACTIVITY_TYPE_LESSON = "http://adlnet.gov/expapi/activities/lesson"
ACTIVITY_TYPE_ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
ACTIVITY_TYPE_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"

# -- Display names (en-GB); display is for people, the IRI alone carries meaning ---------------

LANGUAGE = "en-GB"
_ADL_VERB_DISPLAY = {
    VERB_REGISTERED: "registered",
    VERB_EXPERIENCED: "experienced",
    VERB_ANSWERED: "answered",
    VERB_PASSED: "passed",
    VERB_FAILED: "failed",
    VERB_COMPLETED: "completed",
    VERB_PROGRESSED: "progressed",
    VERB_LAUNCHED: "launched",
    VERB_INITIALIZED: "initialised",
    VERB_TERMINATED: "terminated",
    VERB_VOIDED: "voided",
    VERB_SATISFIED: "satisfied",
    VERB_ABANDONED: "abandoned",
    VERB_WAIVED: "waived",
}

# Activity kinds become a path segment of an IRI: keep them lower-case words.
_KIND_RE = re.compile(r"^[a-z][a-z0-9-]*$")


# -- The site's own IRIs -----------------------------------------------------------------------
# Built on every call, not at import, so that a changed SITE_URL (override_settings in tests, a
# different deployment) is honoured. They live under the site's domain because nobody but ADL
# may mint IRIs under adlnet.gov.


def site_iri(path: str) -> str:
    """An IRI under the site's own domain, e.g. site_iri("xapi/verbs/validated")."""
    return f"{settings.SITE_URL.rstrip('/')}/{path.lstrip('/')}"


def verb_validated() -> str:
    """A line manager confirmed a learner's proficiency in a competency.

    The learner is the actor (the evidence is theirs) and the manager is context.instructor.
    """
    return site_iri("xapi/verbs/validated")


def verb_assigned() -> str:
    """A person was asked to complete a course or programme by a due date (required training).

    Object: the course or programme; the assignment is in context.contextActivities.grouping,
    the due date and whether it is mandatory are context extensions."""
    return site_iri("xapi/verbs/assigned")


def verb_missed_due_date() -> str:
    """An assigned course or programme became overdue: its due date passed before the person
    completed it. Dated at the due date; once per person and cycle."""
    return site_iri("xapi/verbs/missed-due-date")


def category_self_assessment() -> str:
    """Marks a statement (in contextActivities.category) as a learner's own assessment."""
    return site_iri("xapi/categories/self-assessment")


def category_course_package() -> str:
    """Marks a statement (in contextActivities.category) as the platform's record of a result
    in a bought-in course package (cmi5 or SCORM) that a lesson launched: the package, not the
    platform's own knowledge check, is the source of its evidence."""
    return site_iri("xapi/categories/course-package")


def extension_level_claimed() -> str:
    """Result extension: the proficiency level claimed or confirmed, an integer."""
    return site_iri("xapi/extensions/result/level")


def extension_levels_claimed() -> str:
    """Result extension: several levels at once, an object of competency IRI -> integer level
    (a completed course that builds more than one competency)."""
    return site_iri("xapi/extensions/result/levels")


def extension_progress() -> str:
    """Result extension: progress through an activity, an integer percentage from 0 to 100."""
    return site_iri("xapi/extensions/result/progress")


def extension_on_time() -> str:
    """Result extension on the completion of assigned training: true when it was completed by
    its due date, false when late."""
    return site_iri("xapi/extensions/result/on-time")


def extension_due_date() -> str:
    """Context extension on assignment statements: the due date and time, ISO 8601 in UTC."""
    return site_iri("xapi/extensions/context/due-date")


def extension_mandatory() -> str:
    """Context extension on assignment statements: whether the training is mandatory."""
    return site_iri("xapi/extensions/context/mandatory")


def activity_type_assignment() -> str:
    """Activity type of an assignment of required training (the grouping of its statements)."""
    return site_iri("xapi/activity-types/assignment")


def activity_iri(kind: str, stable_id: uuid.UUID | str) -> str:
    """The IRI of an activity, from the stable UUID stored on its page or object.

    Slugs and URLs change when editors rename things, and an activity's IRI must not, so
    anything that is not a UUID is refused.
    """
    if not _KIND_RE.match(kind):
        raise ValueError(f"activity kind must be a lower-case word, not {kind!r}")
    canonical = stable_id if isinstance(stable_id, uuid.UUID) else uuid.UUID(str(stable_id))
    return site_iri(f"xapi/activities/{kind}/{canonical}")


def verb_display(verb_id: str) -> dict[str, str]:
    """The language map to display a verb in; raises KeyError for a verb the LMS does not use."""
    own = {
        verb_validated(): "validated",
        verb_assigned(): "assigned",
        verb_missed_due_date(): "missed due date",
    }
    if verb_id in own:
        return {LANGUAGE: own[verb_id]}
    return {LANGUAGE: _ADL_VERB_DISPLAY[verb_id]}
