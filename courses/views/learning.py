"""The forms the course and lesson pages post to: enrolling, taking a completed course again,
answering a knowledge check, completing a lesson; and the page that follows a finished course.
The pages themselves are served by Wagtail and build their own context (courses.models.pages)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from courses import selectors
from courses.forms import KnowledgeCheckForm
from courses.marking import InvalidAnswers
from courses.models import CoursePage, LessonPage
from courses.services import (
    LearningError,
    enrolment_create,
    enrolment_retake,
    knowledge_check_submit,
    lesson_mark_complete,
)
from lms.templatetags.locale_format import percent

NOT_ENROLLED = gettext_lazy("Enrol on the course first.")


@login_required
@require_POST
def enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        enrolment_create(user=request.user, course=course)
    except LearningError as error:
        messages.error(request, str(error))
        return redirect(course.url)
    lessons = selectors.course_lessons(course)
    messages.success(request, gettext("You are enrolled on %(title)s.") % {"title": course.title})
    return redirect(lessons[0].url if lessons else course.url)


@login_required
@require_POST
def retake(request: HttpRequest, course_id: int) -> HttpResponse:
    """Start a completed course again, from the course page or an assignment due again."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        enrolment_retake(user=request.user, course=course)
    except LearningError as error:
        messages.error(request, str(error))
        return redirect(course.url)
    lessons = selectors.course_lessons(course)
    messages.success(
        request,
        gettext("You are taking %(title)s again. Your earlier completion and certificate are kept.")
        % {"title": course.title},
    )
    return redirect(lessons[0].url if lessons else course.url)


@login_required
@require_POST
def submit_check(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    course = lesson.course
    back = lesson.url or course.url or "/"
    form = KnowledgeCheckForm(lesson.knowledge_check(), request.POST)
    try:
        enrolment = selectors.enrolment_of(request.user, course)
        if enrolment is None:
            raise LearningError(str(NOT_ENROLLED))
        finished_before = enrolment.completed_at is not None
        if form.unreadable:
            raise InvalidAnswers(form.unreadable)
        if form.unanswered and lesson.pk not in selectors.completed_lesson_ids(enrolment):
            # Input that cannot be accepted: shown again, with an error summary linking to
            # each question left out and the answers already given still chosen.
            return lesson.serve(request, check_form=form)
        if form.wrong_choice:
            raise InvalidAnswers(form.wrong_choice)
        _attempt, marking = knowledge_check_submit(
            enrolment=enrolment,
            lesson=lesson,
            answers=form.answers,
            attempt_number=form.attempt_number,
        )
    except (LearningError, InvalidAnswers) as error:
        messages.error(request, str(error))
        return redirect(f"{back}#knowledge-check")
    if marking.passed:
        messages.success(
            request,
            gettext("You passed: %(correct)s of %(total)s right (%(percent)s).")
            % {
                "correct": marking.correct,
                "total": marking.total,
                "percent": percent(marking.percent),
            },
        )
        # The service completes the course on this same enrolment when it was the last lesson.
        if not finished_before and enrolment.completed_at is not None:
            return redirect("course_complete", course_id=course.pk)
    else:
        # Not passing is feedback, not an error: no "There is a problem" box.
        messages.info(
            request,
            gettext(
                "Not passed this time: %(correct)s of %(total)s right (%(percent)s; %(needed)s "
                "needed). Read the feedback and try again."
            )
            % {
                "correct": marking.correct,
                "total": marking.total,
                "percent": percent(marking.percent),
                "needed": percent(marking.pass_mark),
            },
        )
    return redirect(f"{back}#check-result")


@login_required
@require_POST
def complete_lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    course = lesson.course
    enrolment = selectors.enrolment_of(request.user, course)
    try:
        if enrolment is None:
            raise LearningError(str(NOT_ENROLLED))
        finished_before = enrolment.completed_at is not None
        lesson_mark_complete(enrolment=enrolment, lesson=lesson)
    except LearningError as error:
        messages.error(request, str(error))
    else:
        if not finished_before and enrolment.completed_at is not None:
            return redirect("course_complete", course_id=course.pk)
    return redirect(lesson.url or course.url)


@login_required
def course_complete(request: HttpRequest, course_id: int) -> HttpResponse:
    """The moment a course is finished: the certificate, and what to do next."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    enrolment = selectors.completed_enrolment(request.user, course)
    if enrolment is None:
        return redirect(course.url)
    return TemplateResponse(
        request,
        "courses/course_complete.html",
        {
            "course": course,
            "enrolment": enrolment,
            "certificate": getattr(enrolment, "certificate", None),
            "targets": selectors.course_targets(course),
            "plan": [
                item
                for item in selectors.learning_plan_by_status(request.user).to_do
                if item.course_id != course.pk
            ][:3],
            "recommended": selectors.recommendations(request.user, limit=3),
        },
    )
