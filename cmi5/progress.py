"""A registration's progress: AUs satisfied by their moveOn, then the blocks and the course
they satisfy, each announced once with a satisfied statement (cmi5 9.3.9), and the package
outcome that courses turns into lesson progress and evidence."""

from django.utils import timezone

from cmi5.models import AssignableUnit, AuProgress, Block, MoveOn, Registration
from cmi5.xapi import (
    TYPE_BLOCK,
    TYPE_COURSE,
    block_activity_id,
    course_activity_id,
    record_satisfied,
)
from packages.models import Package
from packages.outcomes import PackageOutcome, package_outcome


def au_is_satisfied(move_on: str, *, completed: bool, passed: bool, waived: bool) -> bool:
    if waived or move_on == MoveOn.NOT_APPLICABLE:
        return True
    return {
        MoveOn.COMPLETED: completed,
        MoveOn.PASSED: passed,
        MoveOn.COMPLETED_AND_PASSED: completed and passed,
        MoveOn.COMPLETED_OR_PASSED: completed or passed,
    }[move_on]


def registration_start(*, registration: Registration, session_id: str) -> None:
    """A new registration: its NotApplicable AUs are satisfied before anything is launched."""
    aus = registration.course.aus.filter(move_on=MoveOn.NOT_APPLICABLE)
    AuProgress.objects.bulk_create(
        [AuProgress(registration=registration, au=au, satisfied=True) for au in aus]
    )
    registration_evaluate(registration=registration, session_id=session_id, announce=False)


def au_result_record(
    *,
    registration: Registration,
    au: AssignableUnit,
    completed: bool = False,
    passed: bool = False,
    failed: bool = False,
    score_scaled: float | None = None,
    session_id: str,
) -> None:
    """What an AU's completed, passed or failed statement changes for the registration."""
    state, _ = AuProgress.objects.get_or_create(registration=registration, au=au)
    state.completed |= completed
    state.passed |= passed
    state.failed = (state.failed or failed) and not state.passed
    if score_scaled is not None:
        state.score_scaled = score_scaled
    state.save()
    registration_evaluate(registration=registration, session_id=session_id)


def registration_evaluate(
    *, registration: Registration, session_id: str, announce: bool = True
) -> None:
    """Mark what is newly satisfied, record its satisfied statements and send the outcome."""
    course = registration.course
    aus = list(course.aus.all())
    states = {state.au_id: state for state in registration.progress.all()}
    for au in aus:
        state = states.get(au.pk)
        if state is None or state.satisfied:
            continue
        if au_is_satisfied(
            au.move_on, completed=state.completed, passed=state.passed, waived=state.waived
        ):
            state.satisfied = True
            state.save(update_fields=["satisfied", "updated_at"])
    satisfied_aus = {au_id for au_id, state in states.items() if state.satisfied}
    blocks = list(course.blocks.all())
    children: dict[int | None, list] = {}
    for block in blocks:
        children.setdefault(block.parent_id, []).append(("block", block.pk))
    for au in aus:
        children.setdefault(au.block_id, []).append(("au", au.pk))
    satisfied_blocks = set(registration.satisfied_blocks)
    newly: list[Block] = []

    def block_done(block_id: int) -> bool:
        done = all(
            (kind == "au" and pk in satisfied_aus) or (kind == "block" and block_done(pk))
            for kind, pk in children.get(block_id, [])
        )
        return done

    # Deepest blocks first, so a parent's statement follows its children's.
    for block in sorted(blocks, key=lambda b: -_depth(b, blocks)):
        if str(block.uuid) not in satisfied_blocks and block_done(block.pk):
            satisfied_blocks.add(str(block.uuid))
            newly.append(block)
    course_done = registration.satisfied_at is None and all(
        (kind == "au" and pk in satisfied_aus) or (kind == "block" and block_done(pk))
        for kind, pk in children.get(None, [])
    )
    if not newly and not course_done:
        if announce:
            _outcome_send(registration, aus, states)
        return
    registration.satisfied_blocks = sorted(satisfied_blocks)
    if course_done:
        registration.satisfied_at = timezone.now()
    registration.save(update_fields=["satisfied_blocks", "satisfied_at"])
    if not registration.preview:
        for block in newly:
            record_satisfied(
                registration,
                activity_id=block_activity_id(block),
                publisher_id=block.publisher_id,
                kind=TYPE_BLOCK,
                session_id=session_id,
            )
        if course_done:
            record_satisfied(
                registration,
                activity_id=course_activity_id(course),
                publisher_id=course.publisher_id,
                kind=TYPE_COURSE,
                session_id=session_id,
            )
    _outcome_send(registration, aus, states)


def _depth(block: Block, blocks: list[Block]) -> int:
    by_pk = {b.pk: b for b in blocks}
    depth = 0
    while block.parent_id:
        block = by_pk[block.parent_id]
        depth += 1
    return depth


def outcome_of(registration: Registration, aus: list, states: dict) -> PackageOutcome:
    judged = [au for au in aus if au.move_on in (MoveOn.PASSED, MoveOn.COMPLETED_AND_PASSED)]
    passed: bool | None = None
    if judged:
        results = [states.get(au.pk) for au in judged]
        if all(state and (state.passed or state.waived) for state in results):
            passed = True
        elif any(state and state.failed for state in results):
            passed = False
    scores = [s.score_scaled for s in states.values() if s.score_scaled is not None]
    return PackageOutcome(
        user_id=registration.user_id,
        package_id=registration.course.package_id,
        completed=registration.satisfied_at is not None,
        passed=passed,
        score_scaled=sum(scores) / len(scores) if scores else None,
        duration_seconds=None,
        occurred_at=timezone.now(),
    )


def _outcome_send(registration: Registration, aus: list, states: dict) -> None:
    # Previews belong to nobody: no outcome, so no lesson progress and no evidence.
    if registration.preview or registration.user_id is None:
        return
    package_outcome.send(sender=Package, outcome=outcome_of(registration, aus, states))
