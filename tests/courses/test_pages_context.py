"""Course and lesson pages build their own context: a lesson knows its course and module, and
the knowledge-check form decides whether a learner's answers can be marked."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.forms import KnowledgeCheckForm
from courses.marking import questions_of
from courses.models import KnowledgeCheckAttempt, LessonPage, ModulePage
from tests.courses.helpers import form, lessons, right_answers
from tests.html import texts


def posted(answers: dict[str, list[str]], attempt: str = "1", **extra) -> QueryDict:
    data = QueryDict(mutable=True)
    for question_id, option_ids in answers.items():
        data.setlist(f"q-{question_id}", option_ids)
    data["attempt"] = attempt
    for key, value in extra.items():
        data[key] = value
    return data


# The people and the course are built once for the module; each test runs in a savepoint
# inside its transaction (tests/conftest.py).
SHARED = ("learner", "course")


@pytest.mark.django_db
def test_a_lesson_knows_its_course_and_module_in_one_query_each(course):
    lesson = LessonPage.objects.live().order_by("path").last()
    module = ModulePage.objects.live().order_by("path").last()

    with CaptureQueriesContext(connection) as first:
        found = (lesson.course, lesson.module)
    with CaptureQueriesContext(connection) as again:
        found_again = (lesson.course, lesson.module)

    assert found == found_again == (course, module)
    assert (type(found[0]).__name__, type(found[1]).__name__) == ("CoursePage", "ModulePage")
    assert (len(first), len(again)) == (2, 0)


@pytest.mark.django_db
def test_a_lesson_served_by_wagtail_finds_its_course_and_module_without_a_query(course, rf):
    from wagtail.models import Site

    lesson = LessonPage.objects.live().order_by("path").last()
    site = Site.objects.get(is_default_site=True)
    components = [part for part in lesson.relative_url(site).split("/") if part]
    routed = site.root_page.specific.route(rf.get(lesson.url), components).page

    with CaptureQueriesContext(connection) as captured:
        found = (routed.course, routed.module)

    assert found == (course, lesson.module)
    assert len(captured) == 0


@pytest.mark.django_db
def test_the_form_accepts_an_answer_to_every_question(course):
    lesson = lessons()[0]

    check_form = KnowledgeCheckForm(lesson.knowledge_check(), posted(right_answers(lesson), "3"))

    assert check_form.is_valid()
    assert (check_form.answers, check_form.attempt_number) == (right_answers(lesson), 3)
    assert (check_form.unreadable, check_form.unanswered, check_form.wrong_choice) == ("", [], "")


@pytest.mark.django_db
def test_the_form_names_each_question_left_out_and_keeps_the_answers_given(course):
    lesson = lessons()[0]
    first, second, third = questions_of(lesson.knowledge_check().value)
    kept = first.options[0].id

    check_form = KnowledgeCheckForm(lesson.knowledge_check(), posted({first.id: [kept]}))

    assert check_form.unanswered == [(2, second.id), (3, third.id)]
    assert [(row["number"], row["error"], row["chosen"]) for row in check_form.questions()] == [
        (1, "", [kept]),
        (2, "Select an answer to question 2", []),
        (3, "Select an answer to question 3", []),
    ]
    assert (check_form.unreadable, check_form.wrong_choice) == ("", "")


@pytest.mark.django_db
def test_the_form_refuses_options_the_question_does_not_have(course):
    lesson = lessons()[0]
    answers = right_answers(lesson)
    first, second, _third = questions_of(lesson.knowledge_check().value)

    other_question = KnowledgeCheckForm(
        lesson.knowledge_check(), posted({**answers, first.id: [second.options[0].id]})
    )
    two_for_one = KnowledgeCheckForm(
        lesson.knowledge_check(),
        posted({**answers, first.id: [first.options[0].id, first.options[1].id]}),
    )

    assert other_question.wrong_choice == "An answer is not one of the options."
    assert two_for_one.wrong_choice == "Choose one answer for this question."
    assert (other_question.unanswered, two_for_one.unanswered) == ([], [])


@pytest.mark.django_db
def test_the_form_cannot_be_read_with_a_made_up_question_or_attempt(course):
    lesson = lessons()[0]
    answers = right_answers(lesson)

    made_up_question = KnowledgeCheckForm(
        lesson.knowledge_check(), posted(answers, **{"q-not-a-question": "x"})
    )
    made_up_attempt = KnowledgeCheckForm(lesson.knowledge_check(), posted(answers, "second"))

    assert made_up_question.unreadable == "The answers name questions this check does not have."
    assert made_up_attempt.unreadable == "Your answers could not be read. Try again."


@pytest.mark.django_db
def test_an_unreadable_attempt_number_is_explained_in_the_services_words(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    lesson = lessons()[0]
    data = form(right_answers(lesson))
    data["attempt"] = "second"

    response = client.post(reverse("submit_check", args=[lesson.pk]), data, follow=True)

    html = response.content.decode()
    assert texts(html, "//main//div[@data-module='govuk-error-summary']") == [
        "There is a problem Your answers could not be read. Try again."
    ]
    assert "invalid literal" not in html
    assert KnowledgeCheckAttempt.objects.count() == 0
