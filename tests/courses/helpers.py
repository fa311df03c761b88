"""Helpers for course tests: finding lessons and answering their checks."""

from courses.marking import questions_of
from courses.models import LessonPage


def lessons(course=None):
    """The live lessons in order: every course's, or only `course`'s."""
    found = LessonPage.objects.live()
    if course is not None:
        found = found.descendant_of(course)
    return list(found.order_by("path"))


def right_answers(lesson: LessonPage) -> dict[str, list[str]]:
    return {q.id: q.correct_ids for q in questions_of(lesson.knowledge_check().value)}


def wrong_answers(lesson: LessonPage) -> dict[str, list[str]]:
    return {
        q.id: [next(o.id for o in q.options if not o.correct)]
        for q in questions_of(lesson.knowledge_check().value)
    }


def form(answers: dict[str, list[str]], attempt: int = 1) -> dict:
    data = {f"q-{qid}": ids for qid, ids in answers.items()}
    data["attempt"] = str(attempt)
    return data
