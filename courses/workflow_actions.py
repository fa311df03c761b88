"""What happens when a review is approved (Wagtail's WAGTAIL_FINISH_WORKFLOW_ACTION).

Wagtail imports this while its own models load, so it imports from the project only when a
review finishes.
"""

from django.db import transaction


def publish_approved(workflow_state, user=None) -> None:
    """Publish (or schedule, when it has a future go-live date) the page's latest revision; for
    a course, also the latest drafts of its modules and lessons, all in one transaction.

    Wagtail's default checks that the approver holds publish permission. Training leads do not:
    holding it would let them publish without review. Approving the workflow's last task is the
    permission here, and the tasks (courses.models.CourseReviewTask) decide who may approve.
    """
    from courses.models import CoursePage
    from courses.review import publish_unit

    page = workflow_state.content_object
    with transaction.atomic():
        page.get_latest_revision().publish(user=user, skip_permission_checks=True)
        if page.specific_class is CoursePage:
            publish_unit(page, user)
