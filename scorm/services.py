"""Launching a SCORM package, and recording what its SCOs commit: attempts, CMI data, rollup to
the package, statements and the package_outcome signal."""

from urllib.parse import urlencode, urlsplit

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from packages.models import Package
from packages.outcomes import PackageOutcome, package_outcome
from packages.serving import content_origin, platform_origin
from scorm.cmi import CmiSummary, cmi_parse
from scorm.models import Attempt, Sco, ScoState
from scorm.rollup import ScoResult, ScoRules, package_rollup, sco_result
from scorm.selectors import attempt_unavailable
from scorm.xapi import ResultChange, result_changes

PREVIEW_SALT = "scorm.preview"
# A reviewer's preview link works for a working day; the player page itself keeps no state.
PREVIEW_MAX_AGE = 12 * 3600


class LaunchRefused(ValueError):
    """sco_launch was asked for something the package does not have."""


def _return_url(url: str) -> str:
    """The link back to the lesson, absolute (the player is on the content origin)."""
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc and url.startswith("/") and not url.startswith("//"):
        return platform_origin() + url
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    raise LaunchRefused(
        gettext("The return address %(url)r is not a web address on the platform.") % {"url": url}
    )


def sco_launch(
    *,
    user,
    package: Package,
    return_url: str,
    sco_identifier: str | None = None,
    preview: bool = False,
) -> str:
    """The player's address on the content origin for this learner (or reviewer, `preview`),
    opening `sco_identifier`, or where the learner's attempt left off, or the first SCO."""
    scos = list(package.scos.all())
    if not scos:
        raise LaunchRefused(gettext("This package has no SCORM content to launch."))
    if sco_identifier is not None and sco_identifier not in {s.identifier for s in scos}:
        raise LaunchRefused(
            gettext("This package has no item %(item)r.") % {"item": sco_identifier}
        )
    back = _return_url(return_url)
    if preview:
        token = signing.dumps({"p": package.pk, "u": user.pk, "r": back}, salt=PREVIEW_SALT)
        path = reverse("scorm:preview", args=[token])
        target = sco_identifier or scos[0].identifier
    else:
        attempt = attempt_for_launch(user=user, package=package, return_url=back)
        target = sco_identifier or resume_target(attempt=attempt, scos=scos).identifier
        path = reverse("scorm:player", args=[attempt.token])
    return f"{content_origin()}{path}?{urlencode({'sco': target})}"


@transaction.atomic
def attempt_for_launch(*, user, package: Package, return_url: str) -> Attempt:
    """The learner's open attempt, or a new one when there is none or the last one is
    completed or passed (a learner coming back to a finished package starts afresh)."""
    last = (
        Attempt.objects.select_for_update()
        .filter(user=user, package=package)
        .order_by("-number")
        .first()
    )
    if last is not None and not last.finished:
        if last.return_url != return_url:
            last.return_url = return_url
            last.save(update_fields=["return_url", "updated_at"])
        return last
    return Attempt.objects.create(
        user=user,
        package=package,
        number=last.number + 1 if last else 1,
        return_url=return_url,
    )


def resume_target(*, attempt: Attempt, scos: list[Sco]) -> Sco:
    """Where a learner goes back in: the SCO they were in unless it is completed, else the first
    one not completed that sequencing lets them open, else the first."""
    completed = set(
        ScoState.objects.filter(attempt=attempt, completion_status="completed").values_list(
            "sco_id", flat=True
        )
    )
    blocked = attempt_unavailable(attempt=attempt, scos=scos)
    open_ = [s for s in scos if not blocked[s.identifier] & {"disabled", "skip"}]
    if attempt.current_sco_id and attempt.current_sco_id not in completed:
        current = next((s for s in open_ if s.pk == attempt.current_sco_id), None)
        if current is not None:
            return current
    return next((s for s in open_ if s.pk not in completed), scos[0])


def preview_read(token: str) -> dict:
    """The preview's package, reviewer and return address; raises signing.BadSignature (or its
    SignatureExpired) for a token that is not ours or too old."""
    return signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)


@transaction.atomic
def sco_open(*, attempt: Attempt, sco: Sco) -> ScoState:
    """A learner opens a SCO: a new session of it begins, and an asset is done once opened."""
    state, _ = ScoState.objects.select_for_update().get_or_create(attempt=attempt, sco=sco)
    state.session_base_seconds = state.total_seconds
    state.save(update_fields=["session_base_seconds", "updated_at"])
    if attempt.current_sco_id != sco.pk:
        attempt.current_sco = sco
        attempt.save(update_fields=["current_sco", "updated_at"])
    if not sco.is_sco and not state.completed:
        opened = CmiSummary("completed", "unknown", None, None, None, None, 0.0, "", "", "")
        _record(attempt=attempt, sco=sco, state=state, cmi={}, summary=opened)
    return state


def attempt_commit(*, attempt: Attempt, sco: Sco, payload) -> ScoState:
    """Store a SCO's committed CMI data (LMSCommit / Commit, finish, terminate or the page's
    last beacon). Raises CmiInvalid, with nothing stored, for data SCORM does not allow."""
    version = attempt.package.scorm.version
    cmi, summary = cmi_parse(payload, version=version)
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        state, _ = ScoState.objects.select_for_update().get_or_create(attempt=locked, sco=sco)
        _record(attempt=locked, sco=sco, state=state, cmi=cmi, summary=summary)
    return state


def sco_rules(sco: Sco) -> ScoRules:
    return ScoRules(
        is_sco=sco.is_sco,
        mastery_score=sco.mastery_score,
        scaled_passing_score=sco.scaled_passing_score,
        counts_for_completion=sco.counts_for_completion,
        counts_for_success=sco.counts_for_success,
    )


def _known(state: ScoState) -> ScoResult | None:
    if state.commits == 0 and state.completion_status == "not attempted":
        return None
    return ScoResult(state.completion_status, state.success_status, state.score_scaled)


def _record(*, attempt: Attempt, sco: Sco, state: ScoState, cmi: dict, summary: CmiSummary) -> None:
    result = sco_result(summary, sco_rules(sco))
    was_completed, was_success = state.completed, state.success_status
    state.cmi = cmi
    # Once completed in an attempt, a SCO stays completed: a later visit that starts it afresh
    # (SCORM 2004's new attempt on the activity) must not undo the package's completion.
    if not was_completed:
        state.completion_status = result.completion_status
    if result.success_status != "unknown":
        state.success_status = result.success_status
    if result.score_scaled is not None:
        state.score_scaled = result.score_scaled
    state.total_seconds = state.session_base_seconds + summary.session_seconds
    state.exit = summary.exit
    state.commits += 1
    state.save()

    scos = list(attempt.package.scos.all())
    states = {each.sco_id: each for each in attempt.states.all()}
    states[sco.pk] = state
    rollup = package_rollup(
        [(sco_rules(each), _known(states[each.pk]) if each.pk in states else None) for each in scos]
    )
    duration = round(sum(each.total_seconds for each in states.values()), 2)
    sco_change = ResultChange(
        completed=state.completed,
        passed={"passed": True, "failed": False}.get(state.success_status),
        score_scaled=state.score_scaled,
        seconds=state.total_seconds,
        became_completed=state.completed and not was_completed,
        success_changed=state.success_status != was_success,
    )
    package_change = ResultChange(
        completed=rollup.completed,
        passed=rollup.passed,
        score_scaled=rollup.score_scaled,
        seconds=duration,
        became_completed=rollup.completed and not attempt.completed,
        success_changed=rollup.passed is not None and rollup.passed != attempt.passed,
    )
    outcome_changed = (rollup.completed, rollup.passed, rollup.score_scaled) != (
        attempt.completed,
        attempt.passed,
        attempt.score_scaled,
    )
    attempt.completed = rollup.completed
    attempt.passed = rollup.passed
    attempt.score_scaled = rollup.score_scaled
    attempt.duration_seconds = duration
    attempt.save()
    now = timezone.now()
    result_changes(
        attempt=attempt,
        sco=sco,
        sco_change=sco_change,
        package_change=package_change,
        sequence=f"{sco.uuid}/{state.commits}",
        when=now,
    )
    if outcome_changed:
        package_outcome.send(
            sender=Package,
            outcome=PackageOutcome(
                user_id=attempt.user_id,
                package_id=attempt.package_id,
                completed=rollup.completed,
                passed=rollup.passed,
                score_scaled=rollup.score_scaled,
                duration_seconds=duration,
                occurred_at=now,
            ),
        )
