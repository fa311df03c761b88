"""CMS hooks for reviewing a course as one unit with its modules and lessons (courses.review).

Wagtail loads them with the app's wagtail_hooks.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_lazy
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.log_actions import LogFormatter

from courses.models import CoursePage, LessonPage, ModulePage
from courses.review import PUBLISHED_WITH_COURSE, SubmitRefused, submit_course

SUBMIT_WITH_COURSE = "action-submit-with-course"
UNIT_PARENTS = (CoursePage, ModulePage)  # whatever is added below these is a module or lesson
UNIT_MEMBERS = (ModulePage, LessonPage)


def _in_course_unit(context) -> bool:
    if context["view"] == "create":
        return isinstance(context["parent_page"], UNIT_PARENTS)
    return isinstance(context.get("page"), UNIT_MEMBERS)


def _is_autosave(request) -> bool:
    # The editor's autosave posts the form asking for JSON; people's own clicks ask for HTML.
    return not request.accepts("text/html")


class SubmitWithCourseMenuItem(ActionMenuItem):
    """Save a module or lesson and submit its course for review, with every draft in it."""

    label = gettext_lazy("Submit with course")
    name = SUBMIT_WITH_COURSE
    icon_name = "resubmit"
    order = 150

    def is_shown(self, context):
        if not _in_course_unit(context):
            return False
        return context["view"] == "create" or (
            context["view"] == "edit" and not context["locked_for_user"]
        )


@hooks.register("register_page_action_menu_item")
def submit_with_course_menu_item():
    return SubmitWithCourseMenuItem()


@hooks.register("construct_page_action_menu")
def course_unit_menu(menu_items, request, context):
    """A new module or lesson offers "Submit with course" instead of a review of its own."""
    if _in_course_unit(context):
        menu_items[:] = [item for item in menu_items if item.name != "action-submit"]


@hooks.register("before_create_page")
def course_unit_refuse_own_review(request, parent_page, page_class):
    if (
        request.method == "POST"
        and request.POST.get("action-submit")
        and issubclass(page_class, UNIT_MEMBERS)
    ):
        return HttpResponseBadRequest(
            "A module or lesson is not submitted for review on its own: save it, then submit "
            "its course (“Submit with course”).",
            content_type="text/plain; charset=utf-8",
        )
    return None


def _submit_with_course(request, page):
    if request.method != "POST" or not request.POST.get(SUBMIT_WITH_COURSE):
        return None
    if _is_autosave(request) or not isinstance(page.specific, UNIT_MEMBERS):
        return None
    title = page.get_admin_display_title()
    try:
        course, outcome = submit_course(page, request.user)
    except (SubmitRefused, PermissionDenied) as refused:
        messages.error(
            request,
            gettext("'%(title)s' was saved as a draft but not submitted: %(reason)s")
            % {"title": title, "reason": refused},
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    if outcome == "in_review":
        messages.success(
            request,
            gettext(
                "'%(title)s' was saved. The course '%(course)s' is already in review: the "
                "reviewer sees this draft, and approving the course publishes it."
            )
            % {"title": title, "course": course.title},
        )
    else:
        messages.success(
            request,
            gettext(
                "'%(title)s' was saved and the course '%(course)s' submitted for review, with "
                "its modules and lessons."
            )
            % {"title": title, "course": course.title},
        )
    return redirect("wagtailadmin_explore", page.get_parent().pk)


@hooks.register("after_create_page")
def submit_with_course_after_create(request, page):
    return _submit_with_course(request, page)


@hooks.register("after_edit_page")
def submit_with_course_after_edit(request, page):
    return _submit_with_course(request, page)


@hooks.register("register_log_actions")
def course_unit_log_actions(actions):
    @actions.register_action(PUBLISHED_WITH_COURSE)
    class PublishedWithCourse(LogFormatter):
        label = gettext_lazy("Publish with course")

        def format_message(self, log_entry):
            course = log_entry.data.get("course", {})
            return gettext("Published with the course '%(title)s', approved in review") % {
                "title": course.get("title", "")
            }
