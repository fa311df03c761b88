"""The platform's own statements about a SCORM attempt: completed, passed and failed, for the
package and for each SCO, in the platform's vocabulary.

Following ADL's xAPI SCORM profile where it speaks: a SCO is a lesson activity whose parent is
the package (a course activity), the attempt is the registration, and the profile's IRI marks
the statements in contextActivities.category. The actor is the learner's pseudonymous account."""

from dataclasses import dataclass
from datetime import datetime

from tincan import (
    Activity,
    ActivityDefinition,
    Context,
    ContextActivities,
    Result,
    Score,
    Statement,
)

from packages.models import Package
from scorm.cmi import duration_iso
from scorm.models import Attempt, Sco
from xapi.client import statements_record, verb
from xapi.identity import learner_agent
from xapi.vocab import (
    ACTIVITY_TYPE_COURSE,
    ACTIVITY_TYPE_LESSON,
    LANGUAGE,
    VERB_COMPLETED,
    VERB_FAILED,
    VERB_PASSED,
    activity_iri,
)

SCORM_PROFILE = "https://w3id.org/xapi/scorm"


def package_activity(package: Package) -> Activity:
    return Activity(
        id=activity_iri("package", package.uuid),
        definition=ActivityDefinition(name={LANGUAGE: package.title}, type=ACTIVITY_TYPE_COURSE),
    )


def sco_activity(sco: Sco) -> Activity:
    return Activity(
        id=activity_iri("sco", sco.uuid),
        definition=ActivityDefinition(name={LANGUAGE: sco.title}, type=ACTIVITY_TYPE_LESSON),
    )


def _context(attempt: Attempt, *parents: Activity) -> Context:
    return Context(
        registration=str(attempt.uuid),
        context_activities=ContextActivities(
            parent=list(parents) or None, category=[Activity(id=SCORM_PROFILE)]
        ),
    )


@dataclass(frozen=True)
class ResultChange:
    """Where an activity (a SCO or the package) stands after a commit, and what just changed."""

    completed: bool
    passed: bool | None
    score_scaled: float | None
    seconds: float
    became_completed: bool = False
    success_changed: bool = False  # passed went to True or False from something else


def _result(change: ResultChange) -> Result:
    result = Result(completion=change.completed, duration=duration_iso(change.seconds))
    if change.passed is not None:
        result.success = change.passed
    if change.score_scaled is not None:
        result.score = Score(scaled=change.score_scaled)
    return result


def result_changes(
    *,
    attempt: Attempt,
    sco: Sco,
    sco_change: ResultChange,
    package_change: ResultChange,
    sequence: str,
    when: datetime,
) -> list[str]:
    """Statements for what changed in one commit: completed, then passed or failed, for the SCO
    and then the package. `sequence` tells this commit from the attempt's others, so that a SCO
    failed and later passed gets two statements rather than one id with two contents."""
    actor = learner_agent(user=attempt.user)
    package = package_activity(attempt.package)
    statements = []
    for target, change, parents in (
        (sco_activity(sco), sco_change, (package,)),
        (package, package_change, ()),
    ):
        verbs = [VERB_COMPLETED] if change.became_completed else []
        if change.success_changed and change.passed is not None:
            verbs.append(VERB_PASSED if change.passed else VERB_FAILED)
        statements += [
            Statement(
                actor=actor,
                verb=verb(verb_id),
                object=target,
                result=_result(change),
                context=_context(attempt, *parents),
                timestamp=when,
            )
            for verb_id in verbs
        ]
    if not statements:
        return []
    return statements_record(statements, attempts=[f"{attempt.uuid}/{sequence}"] * len(statements))
