"""A course is reviewed as one unit: the course page with its modules and lessons.

Only a course goes through the Course review workflow. Its modules and lessons have no workflow
of their own (`CourseUnitMember`): authors save them as drafts and submit their course, from the
course or with "Submit with course" on any of its pages. A reviewer approves the course once,
and the approval publishes the course and every module and lesson with draft changes together.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext
from wagtail.log_actions import log
from wagtail.models import Page, TaskState, WorkflowState

from courses.models import CoursePage, LessonPage, ModulePage
from courses.selectors import ModuleOutline

PUBLISHED_WITH_COURSE = "courses.publish_with_course"


class SubmitRefused(Exception):
    """Submitting a course for review is not possible; the message says why, in plain words."""


@dataclass(frozen=True)
class UnitChange:
    """A module or lesson whose draft the course's review covers."""

    page: Page  # the latest draft, as an object
    kind: str  # "Module" or "Lesson"
    is_new: bool  # never published before
    edited_by: str


def course_of(page: Page) -> CoursePage | None:
    """The course a page belongs to (the page itself when it is a course), or None."""
    if page.specific_class is CoursePage:
        return CoursePage.objects.get(pk=page.pk)
    return CoursePage.objects.filter(
        path__in=[page.path[:n] for n in range(page.steplen, len(page.path), page.steplen)]
    ).first()


def _unit_members(course: Page):
    """Modules and lessons of the course whose latest revision is not live yet.

    A page someone unpublished on purpose (its latest revision is the one once live) stays
    unpublished until it is changed again.
    """
    return (
        Page.objects.descendant_of(course)
        .filter(has_unpublished_changes=True, latest_revision__isnull=False)
        .filter(Q(live_revision__isnull=True) | ~Q(latest_revision=F("live_revision")))
        .select_related("latest_revision__user")
        .order_by("path")
    )


def unit_changes(course: Page) -> list[UnitChange]:
    """What approving the course also publishes, in the course's order."""
    changes = []
    for member in _unit_members(course):
        author = member.latest_revision.user
        changes.append(
            UnitChange(
                page=member.latest_revision.as_object(),
                kind=str(member.specific_class._meta.verbose_name).capitalize(),
                is_new=member.live_revision_id is None,
                edited_by=(author.get_full_name() or author.get_username()) if author else "",
            )
        )
    return changes


def unit_authors(task_state: TaskState) -> set[int]:
    """Who wrote the drafts of the course's modules and lessons that were submitted with it.

    Each member counts with its latest revision saved before the review (or the resubmission)
    began; corrections a reviewer makes during the review do not make them an author.
    """
    course = task_state.workflow_state.content_object
    if course is None or course.specific_class is not CoursePage:
        return set()
    authors = set()
    for member in _unit_members(course):
        submitted = (
            member.revisions.filter(created_at__lte=task_state.started_at)
            .order_by("-created_at", "-pk")
            .values_list("user_id", flat=True)
            .first()
        )
        if submitted is not None:
            authors.add(submitted)
    return authors


def publish_unit(course: Page, user) -> list[Page]:
    """Publish (or schedule) the latest drafts of the course's modules and lessons, parents
    before children, recording on each that it went live with its course's approval."""
    published = []
    for member in _unit_members(course):
        revision = member.latest_revision
        revision.publish(user=user, skip_permission_checks=True)
        log(
            instance=member.specific,
            action=PUBLISHED_WITH_COURSE,
            user=user,
            data={"course": {"id": course.pk, "title": course.title}},
            revision=revision,
        )
        published.append(member)
    return published


@transaction.atomic
def submit_course(page: Page, user) -> tuple[CoursePage, str]:
    """Submit the course that `page` belongs to for review, with its modules and lessons.

    Returns the course and what happened: "started" (a new review), "resumed" (after changes
    were requested) or "in_review" (already under review: the reviewer sees the latest drafts).
    """
    course = course_of(page)
    if course is None:
        raise SubmitRefused(gettext("This page is not part of a course."))
    permissions = course.permissions_for_user(user)
    if not permissions.can_edit():
        raise PermissionDenied(
            gettext("Only people who may edit the course may submit it for review.")
        )
    if permissions.page_locked():
        raise SubmitRefused(
            gettext("The course '%(title)s' is locked; it cannot be submitted.")
            % {"title": course.title}
        )
    state = course.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return course, "in_review"
    workflow = course.get_workflow()
    if workflow is None:
        raise SubmitRefused(
            gettext("The course '%(title)s' has no review workflow.") % {"title": course.title}
        )
    # The course's own draft is submitted as the submitter's, as the editor's "Submit" does.
    course.get_latest_revision_as_object().save_revision(user=user, log_action=True)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
        return course, "resumed"
    workflow.start(course, user)
    return course, "started"


def draft_outline(course: Page, current: Page | None = None) -> list[ModuleOutline]:
    """The course's modules and lessons as approving its review would publish them, each as its
    latest draft, for previews. `current`, the page being previewed (perhaps not saved yet),
    stands in for its saved self."""
    in_review = set(_unit_members(course).values_list("pk", flat=True))

    def shown(queryset):
        return [
            current if current is not None and page.pk == current.pk else page
            for page in (
                each.get_latest_revision_as_object()
                for each in queryset.descendant_of(course).order_by("path")
                if each.live or each.pk in in_review
            )
        ]

    modules = {module.path: ModuleOutline(module) for module in shown(ModulePage.objects.all())}
    for lesson in shown(LessonPage.objects.all()):
        outline = modules.get(lesson.path[: -lesson.steplen])
        if outline is not None:
            outline.lessons.append(lesson)
    if current is not None and current.pk is None and isinstance(current, LessonPage):
        outline = modules.get(current.get_parent().path)
        if outline is not None:
            outline.lessons.append(current)
    return list(modules.values())
