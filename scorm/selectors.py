"""Reads of SCORM packages: their SCOs, and a learner's progress for the course pages."""

from packages.models import Package
from packages.outcomes import NOT_STARTED, PackageProgress, Status
from scorm.models import Attempt, Sco, ScoState
from scorm.sequencing import Activity, unavailable


def package_scos(package: Package) -> list[Sco]:
    """The package's launchable items in the order the learner meets them."""
    return list(Sco.objects.filter(package=package).order_by("position"))


def attempt_unavailable(*, attempt: Attempt, scos: list[Sco]) -> dict[str, set[str]]:
    """Each SCO's identifier mapped to what its SCORM 2004 pre-condition rules do to it now in
    this attempt ("disabled", "hiddenFromChoice", "skip"); empty sets when nothing applies."""
    if not any(sco.preconditions for sco in scos):
        return {sco.identifier: set() for sco in scos}
    states = {state.sco_id: state for state in ScoState.objects.filter(attempt=attempt)}
    activities = []
    for sco in scos:
        state = states.get(sco.pk)
        activities.append(
            Activity(
                identifier=sco.identifier,
                primary_objective=sco.primary_objective,
                objective_maps=sco.objective_maps,
                preconditions=sco.preconditions,
                attempted=state is not None and state.commits > 0,
                completed=state is not None and state.completed,
                success=state.success_status if state is not None else "unknown",
            )
        )
    return unavailable(activities)


def package_progress(*, user, package: Package) -> PackageProgress:
    """The learner's result in the package: from their best finished attempt if they have one
    (a pass stands while they try again), else from the attempt they are in."""
    attempts = list(Attempt.objects.filter(user=user, package=package).order_by("-number"))
    if not attempts:
        return NOT_STARTED
    latest = attempts[0]
    finished = [a for a in attempts if a.finished]
    best = max(finished, key=_rank) if finished else latest
    started = ScoState.objects.filter(attempt=latest).exists()
    if best.passed is True:
        status = Status.PASSED
    elif best.passed is False and best.completed:
        status = Status.FAILED
    elif best.completed:
        status = Status.COMPLETED
    else:
        status = Status.IN_PROGRESS if started else Status.NOT_STARTED
    return PackageProgress(
        status=status,
        completed=best.completed,
        passed=best.passed,
        score_scaled=best.score_scaled,
        can_resume=started and not latest.finished,
        last_activity_at=latest.updated_at if started else None,
        attempts=len(attempts),
    )


def _rank(attempt: Attempt) -> tuple:
    return (attempt.passed is True, attempt.completed, attempt.score_scaled or -2.0, attempt.number)
