"""Reads for cmi5: a package's AUs and a learner's progress in it."""

from cmi5.models import AssignableUnit, Registration, Session
from packages.outcomes import NOT_STARTED, PackageProgress, Status


def package_aus(package) -> list[AssignableUnit]:
    """The package's AUs in course order."""
    return list(AssignableUnit.objects.filter(course__package=package).order_by("position"))


def package_progress(*, user, package) -> PackageProgress:
    registration = (
        Registration.objects.filter(course__package=package, user=user, preview=False)
        .prefetch_related("progress")
        .first()
    )
    if registration is None:
        return NOT_STARTED
    from cmi5.progress import outcome_of

    aus = list(registration.course.aus.all())
    states = {state.au_id: state for state in registration.progress.all()}
    outcome = outcome_of(registration, aus, states)
    sessions = Session.objects.filter(registration=registration)
    last = sessions.order_by("-launched_at").values_list("launched_at", flat=True).first()
    latest_state = max((s.updated_at for s in states.values()), default=None)
    if outcome.passed is False:
        status = Status.FAILED
    elif outcome.completed and outcome.passed:
        status = Status.PASSED
    elif outcome.completed:
        status = Status.COMPLETED
    else:
        status = Status.IN_PROGRESS
    return PackageProgress(
        status=status,
        completed=outcome.completed,
        passed=outcome.passed,
        score_scaled=outcome.score_scaled,
        can_resume=not outcome.completed,
        last_activity_at=max(filter(None, (last, latest_state)), default=None),
        attempts=sessions.count(),
    )
