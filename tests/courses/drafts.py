"""Course pages written and reviewed the way authors do it, through Wagtail's workflow API."""

from wagtail.models import Page

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage


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


def draft_module(course: Page, author, *, title: str = "Plain language", slug: str = "plain"):
    """A new, unpublished module in `course`, saved by `author`."""
    module = ModulePage(title=title, slug=slug, live=False, owner=author)
    course.add_child(instance=module)
    module.save_revision(user=author)
    return module


def draft_lesson(module: Page, author, *, title: str = "Use short words", slug: str = "short"):
    """A new, unpublished lesson in `module`, saved by `author`."""
    lesson = LessonPage(
        title=title,
        slug=slug,
        live=False,
        owner=author,
        body=[{"type": "text", "value": "<p>Short words are easier to read.</p>"}],
    )
    module.add_child(instance=lesson)
    lesson.save_revision(user=author)
    return lesson
