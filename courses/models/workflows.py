"""The review every course goes through, with its modules and lessons, before it is published: a
second person approves."""

from django.core.exceptions import PermissionDenied
from wagtail.models import AbstractGroupApprovalTask, TaskState

REVIEW_ACTIONS = ("approve", "reject")  # "reject" is Wagtail's "Request changes"


class CourseReviewTask(AbstractGroupApprovalTask):
    """Group approval in which nobody reviews their own work.

    Members of the task's groups may approve or request changes, except the person who submitted
    the page for review and the person who wrote the version under review (who differ when a
    colleague resubmits after changes were requested). A course is reviewed as one unit with its
    modules and lessons (courses.review), so whoever wrote their submitted drafts may not review
    it either. `on_action` enforces the rule, so it holds outside the admin's buttons too.

    A reviewer may still correct the page while reviewing it: Wagtail's "Approve" in the editor
    saves the reviewer's edits, and some fields (rich text in a StreamField) count as edited even
    when untouched, so edits made during the review cannot be told apart from the approval.
    """

    class Meta:
        verbose_name = "course review task"
        verbose_name_plural = "course review tasks"

    @classmethod
    def get_description(cls):
        return (
            "Members of the chosen groups approve or request changes, but never for a page "
            "they submitted or wrote themselves."
        )

    def is_own_work(self, task_state: TaskState, user) -> bool:
        """Whether `user` submitted the page for this review or wrote the version under review,
        which for a course includes the drafts of its modules and lessons submitted with it."""
        if user.pk in (task_state.workflow_state.requested_by_id, task_state.revision.user_id):
            return True
        from courses.review import unit_authors

        return user.pk in unit_authors(task_state)

    def may_review(self, task_state: TaskState, user) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        in_groups = user.is_superuser or self._user_in_groups(user)
        return in_groups and not self.is_own_work(task_state, user)

    def get_actions(self, obj, user):
        task_state = obj.current_workflow_task_state
        if (
            task_state is not None
            and task_state.task_id == self.pk
            and self.is_own_work(task_state, user)
        ):
            return []
        return super().get_actions(obj, user)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name not in REVIEW_ACTIONS:
            raise ValueError(
                f"'{action_name}' is not a review action: a reviewer may "
                + " or ".join(f"'{name}'" for name in REVIEW_ACTIONS)
                + "."
            )
        if not self.may_review(task_state, user):
            raise PermissionDenied(
                "A page is reviewed by someone other than the people who submitted or wrote it."
            )
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = (
            super()
            .get_task_states_user_can_moderate(user, **kwargs)
            .exclude(workflow_state__requested_by=user)
            .exclude(revision__user=user)
        )
        own_units = [state.pk for state in states if self.is_own_work(state, user)]
        return states.exclude(pk__in=own_units)
