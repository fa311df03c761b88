"""The course outline and lesson pages (served through Wagtail), and the forms they post to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from courses import selectors
from courses.marking import InvalidAnswers, questions_of
from courses.models import CoursePage, Enrolment, KnowledgeCheckAttempt, LessonPage
from courses.services import (
    LearningError,
    enrolment_create,
    enrolment_for,
    knowledge_check_submit,
    lesson_mark_complete,
    lesson_visit,
    next_attempt_number,
)


def _outline(request: HttpRequest, course: CoursePage, current=None):
    """Learners see what is live; a preview shows the drafts its course's review covers."""
    if getattr(request, "is_preview", False):
        from courses.review import draft_outline

        return draft_outline(course, current)
    return selectors.course_outline(course)


def course_outline(request: HttpRequest, course: CoursePage) -> HttpResponse:
    preview = getattr(request, "is_preview", False)
    enrolment = None if preview else selectors.enrolment_of(request.user, course)
    outline = _outline(request, course)
    completed = selectors.completed_lesson_ids(enrolment)
    total = sum(len(m.lessons) for m in outline)
    next_lesson = None
    if enrolment is not None:
        next_lesson = next(
            (lesson for m in outline for lesson in m.lessons if lesson.pk not in completed), None
        )
    return TemplateResponse(
        request,
        "courses/course_page.html",
        {
            "page": course,
            "course": course,
            "outline": outline,
            "enrolment": enrolment,
            "completed": completed,
            "completed_count": len(completed),
            "total": total,
            "resume": enrolment.last_lesson if enrolment and enrolment.last_lesson_id else None,
            "next_lesson": next_lesson,
            "targets": selectors.course_targets(course),
            "in_plan": False if preview else selectors.in_learning_plan(request.user, course),
            "preview": preview,
        },
    )


def lesson_page(
    request: HttpRequest,
    lesson: LessonPage,
    *,
    unanswered: list[tuple[int, str]] | None = None,
    chosen: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """The lesson; `unanswered` (question number, id) and `chosen` re-show a check sent with
    questions left out, as the error summary pattern does."""
    course = lesson.get_parent().get_parent().specific
    preview = getattr(request, "is_preview", False)
    enrolment = None
    if not preview:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        enrolment = selectors.enrolment_of(request.user, course)
        if enrolment is None:
            messages.info(request, "Enrol on the course to start its lessons.")
            return redirect(course.url)
        lesson_visit(enrolment=enrolment, lesson=lesson)
    outline = _outline(request, course, lesson)
    lessons = [each for module in outline for each in module.lessons]
    index = next((i for i, each in enumerate(lessons) if each is lesson or each.pk == lesson.pk), 0)
    check = lesson.knowledge_check()
    completions = selectors.lesson_completions(enrolment)
    completed = set(completions)
    # Lessons a placement check let the learner skip are not where they go next.
    later = [
        each
        for each in lessons[index + 1 :]
        if each.placement or completions.get(each.pk) != "placement"
    ]
    latest = None
    if enrolment is not None and check is not None:
        latest = KnowledgeCheckAttempt.objects.filter(enrolment=enrolment, lesson=lesson).first()
    return TemplateResponse(
        request,
        "courses/lesson_page.html",
        {
            "page": lesson,
            "lesson": lesson,
            "course": course,
            "outline": outline,
            "enrolment": enrolment,
            "completed": completed,
            "is_complete": lesson.pk in completed,
            "previous_lesson": lessons[index - 1] if index > 0 else None,
            "next_lesson": later[0] if later else None,
            "position": index + 1,
            "lesson_count": len(lessons),
            "check": check,
            "questions": _questions(check, latest, unanswered or [], chosen),
            "latest": latest,
            "feedback": _feedback(check, latest) if latest is not None else None,
            "unanswered": unanswered or [],
            "attempt_number": next_attempt_number(enrolment, lesson) if enrolment and check else 1,
            "preview": preview,
        },
    )


def _questions(check, latest, unanswered, chosen) -> list[dict]:
    """Each question of the form, with the feedback on the last attempt beside it and any
    error, so that a retry needs no scrolling between the two."""
    if check is None:
        return []
    feedback = _feedback(check, latest) if latest is not None else None
    missing = {question_id for _, question_id in unanswered}
    return [
        {
            "question": question,
            "number": number,
            "feedback": feedback[number - 1] if feedback else None,
            "error": f"Select an answer to question {number}" if question.id in missing else "",
            "chosen": (chosen or {}).get(question.id, []),
            # Authors often end the question with the instruction; the hint then says it twice.
            "needs_hint": question.kind == "multiple"
            and "select all that apply" not in question.text.lower(),
        }
        for number, question in enumerate(questions_of(check.value), start=1)
    ]


def _feedback(check, attempt: KnowledgeCheckAttempt):
    """Per question: the options the learner chose, whether each was right, and why."""
    results = []
    for question in questions_of(check.value):
        chosen = attempt.answers.get(question.id, [])
        by_id = {option.id: option for option in question.options}
        right = set(chosen) == set(question.correct_ids)
        results.append((question, right, [by_id[i] for i in chosen if i in by_id]))
    return results


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
    messages.success(request, f"You are enrolled on {course.title}.")
    return redirect(lessons[0].url if lessons else course.url)


@login_required
@require_POST
def submit_check(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    course = lesson.get_parent().get_parent().specific
    back = lesson.url or course.url or "/"
    try:
        enrolment = enrolment_for(user=request.user, course=course)
        finished_before = enrolment.completed_at is not None
        number = int(request.POST.get("attempt", "0"))
        check = lesson.knowledge_check()
        question_ids = [q.id for q in questions_of(check.value)] if check is not None else []
        answers = {qid: request.POST.getlist(f"q-{qid}") for qid in question_ids}
        answers = {qid: chosen for qid, chosen in answers.items() if chosen}
        extra = {key[2:] for key in request.POST if key.startswith("q-")} - set(question_ids)
        if extra:
            raise InvalidAnswers("The answers name questions this check does not have.")
        unanswered = [
            (number, qid) for number, qid in enumerate(question_ids, start=1) if qid not in answers
        ]
        if unanswered and not selectors.completed_lesson_ids(enrolment) >= {lesson.pk}:
            # Input that cannot be accepted: shown again, with an error summary linking to
            # each question left out and the answers already given still chosen.
            return lesson_page(request, lesson, unanswered=unanswered, chosen=answers)
        _attempt, marking = knowledge_check_submit(
            enrolment=enrolment, lesson=lesson, answers=answers, attempt_number=number
        )
    except (LearningError, InvalidAnswers, ValueError) as error:
        messages.error(request, str(error) or "Your answers could not be read. Try again.")
        return redirect(f"{back}#knowledge-check")
    if marking.passed:
        messages.success(
            request, f"You passed: {marking.correct} of {marking.total} right ({marking.percent}%)."
        )
        # The service completes the course on this same enrolment when it was the last lesson.
        if not finished_before and enrolment.completed_at is not None:
            return redirect("course_complete", course_id=course.pk)
    else:
        # Not passing is feedback, not an error: no "There is a problem" box.
        messages.info(
            request,
            f"Not passed this time: {marking.correct} of {marking.total} right "
            f"({marking.percent}%; {check.value['pass_mark']}% needed). "
            "Read the feedback and try again.",
        )
    return redirect(f"{back}#check-result")


@login_required
@require_POST
def complete_lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    course = lesson.get_parent().get_parent().specific
    try:
        enrolment = enrolment_for(user=request.user, course=course)
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
    enrolment = (
        Enrolment.objects.filter(user=request.user, course=course, completed_at__isnull=False)
        .select_related("certificate")
        .first()
    )
    if enrolment is None:
        return redirect(course.url)
    certificate = getattr(enrolment, "certificate", None)
    return TemplateResponse(
        request,
        "courses/course_complete.html",
        {
            "course": course,
            "enrolment": enrolment,
            "certificate": certificate,
            "targets": selectors.course_targets(course),
            "plan": [
                item
                for item in selectors.learning_plan_by_status(request.user).to_do
                if item.course_id != course.pk
            ][:3],
            "recommended": selectors.recommendations(request.user, limit=3),
        },
    )
