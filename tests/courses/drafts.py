"""Course pages written and reviewed the way authors do it, through Wagtail's workflow API."""

from wagtail.models import Page

from courses.models import CourseIndexPage, CoursePage


def draft_course(author, *, slug: str = "writing-for-the-web", **fields) -> CoursePage:
    """A new, unpublished course in the catalogue, owned and saved by `author`."""
    catalogue = CourseIndexPage.objects.get()
    course = CoursePage(
        title=fields.pop("title", "Writing for the web"),
        slug=slug,
        summary="Plain language for public services.",
        audience="Everyone who writes for the public",
        duration_minutes=45,
        live=False,
        owner=author,
        **fields,
    )
    catalogue.add_child(instance=course)
    course.save_revision(user=author)
    return course


def submit(page: Page, user):
    """Submit the page's latest revision to the workflow that applies to it."""
    return page.get_workflow().start(page, user)


def act(page: Page, user, action: str = "approve") -> None:
    """Approve (or reject) the page's current review task as `user`."""
    page.refresh_from_db()
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, user, action)
