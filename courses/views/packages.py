"""The launch buttons of a lesson's course package: a learner starting or resuming it, and a
reviewer trying the draft in a preview. Both go to the package in the same window; the package
returns to the page it was launched from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from courses import selectors
from courses.launching import LaunchProblem, package_launch
from courses.models import LessonPage

NO_PACKAGE = gettext_lazy("This lesson has no course package to start.")


@login_required
@require_POST
def launch(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    course = lesson.course
    if not course.live:
        # Nothing a package reports could be recorded against a course taken down.
        raise Http404("This course is no longer published.")
    if selectors.enrolment_of(request.user, course) is None:
        messages.error(request, gettext("Enrol on the course first."))
        return redirect(course.url)
    block = lesson.package_block()
    package = block.value.get("package") if block is not None else None
    if package is None:
        return _refused(request, lesson, str(NO_PACKAGE))
    try:
        address = package_launch(
            user=request.user,
            package=package,
            return_url=request.build_absolute_uri(lesson.url),
            unit=request.POST.get("unit") or None,
        )
    except LaunchProblem as error:
        return _refused(request, lesson, str(error))
    return redirect(address)


@login_required
@require_POST
def preview_launch(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """A reviewer or author tries the package of the lesson's latest draft; the package
    records nothing of it and returns to the lesson's editor."""
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    permissions = lesson.permissions_for_user(request.user)
    if not (permissions.can_edit() or permissions.can_publish()):
        raise PermissionDenied(
            gettext("Only people who write or review this course can preview it.")
        )
    draft = lesson.get_latest_revision_as_object()
    block = draft.package_block()
    package = block.value.get("package") if block is not None else None
    back = request.build_absolute_uri(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    if package is None:
        messages.error(request, str(NO_PACKAGE))
        return redirect(back)
    try:
        address = package_launch(
            user=request.user,
            package=package,
            return_url=back,
            unit=request.POST.get("unit") or None,
            preview=True,
        )
    except LaunchProblem as error:
        messages.error(request, str(error))
        return redirect(back)
    return redirect(address)


def _refused(request: HttpRequest, lesson: LessonPage, message: str) -> HttpResponse:
    # Shown on the lesson page with an error summary, and nothing launched or recorded.
    response = lesson.serve(request, launch_error=message)
    response.status_code = 400
    return response
