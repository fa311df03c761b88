"""Thin adapters: a completed course or programme completes the person's assigned rows for it."""


def course_completed(sender, user, course, completed_at, **kwargs) -> None:
    from assignments.services import assignment_completions_record

    assignment_completions_record(user=user, item=course, completed_at=completed_at)


def programme_completed(sender, user, programme, completed_at, **kwargs) -> None:
    from assignments.services import assignment_completions_record

    assignment_completions_record(user=user, item=programme, completed_at=completed_at)
