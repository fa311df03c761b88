"""The learner's journey through a course: enrolling, lessons, checks, completion.

The people and the course are built once for the module (tests/conftest.py); two tabs
submitting at once, which needs committed data, is in test_learning_two_tabs.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Certificate, Enrolment, KnowledgeCheckAttempt, LessonCompletion
from courses.services import LearningError, knowledge_check_submit
from tests.courses.helpers import form, lessons, right_answers, wrong_answers
from tests.html import texts
from xapi.models import Statement
from xapi.vocab import VERB_COMPLETED, VERB_EXPERIENCED, VERB_FAILED, VERB_PASSED, VERB_REGISTERED


def verbs():
    return sorted(Statement.objects.values_list("verb_id", flat=True))


SHARED = ("learner", "course")


@pytest.mark.django_db
def test_enrolling_is_idempotent_and_recorded_once(client, learner, course):
    client.force_login(learner)

    first = client.post(reverse("enrol", args=[course.pk]))
    client.post(reverse("enrol", args=[course.pk]))

    assert first.url == lessons()[0].url
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1
    assert verbs() == [VERB_REGISTERED]


@pytest.mark.django_db
def test_lessons_need_an_enrolment(client, learner, course):
    client.force_login(learner)

    response = client.get(lessons()[0].url)

    assert response.status_code == 302
    assert response.url == course.url


@pytest.mark.django_db
def test_opening_a_lesson_is_recorded_once_and_remembered(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    lesson = lessons()[1]

    client.get(lesson.url)
    client.get(lesson.url)

    assert verbs().count(VERB_EXPERIENCED) == 1
    assert Enrolment.objects.get().last_lesson_id == lesson.pk
    html = client.get(course.url).content.decode()
    assert texts(html, "//main//a[contains(@class, 'govuk-button--start')]") == [
        "Continue where you left off"
    ]
    assert texts(html, f"//main//a[@href='{lesson.url}'][@role='button']") == [
        "Continue where you left off"
    ]


@pytest.mark.django_db
def test_the_lesson_page_never_contains_the_answers(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))

    html = client.get(lessons()[0].url).content.decode()

    assert texts(html, "//form//fieldset") == [
        "1. Which chart shows change over time best? A line chart A pie chart A table",
        "2. Which are signs of a biased sample? Select all that apply. "
        "Only online respondents Very few respondents Random selection",
        "3. Averages can hide differences between groups. True False",
    ]
    assert "Lines show trends." not in html  # feedback appears only after marking
    assert "correct" not in html.lower()


@pytest.mark.django_db
def test_passing_a_check_completes_the_lesson_and_records_it(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    lesson = lessons()[0]

    response = client.post(reverse("submit_check", args=[lesson.pk]), form(right_answers(lesson)))

    assert response.status_code == 302
    attempt = KnowledgeCheckAttempt.objects.get()
    assert (attempt.correct, attempt.total, attempt.passed) == (3, 3, True)
    assert LessonCompletion.objects.filter(lesson=lesson).count() == 1
    recorded = verbs()
    assert recorded.count("http://adlnet.gov/expapi/verbs/answered") == 3
    assert VERB_PASSED in recorded
    assert VERB_COMPLETED in recorded
    page = client.get(lesson.url).content.decode()
    assert texts(page, "//div[contains(@class, 'app-feedback')]//li") == [
        "You chose “A line chart”. Lines show trends.",
        "You chose “Only online respondents”. Excludes offline people.",
        "You chose “Very few respondents”. Small samples mislead.",
        "You chose “True”. Look at the spread too.",
    ]
    assert texts(page, "//p[contains(., 'completed this lesson')]") == [
        "You have completed this lesson."
    ]


@pytest.mark.django_db
def test_failing_allows_a_retry(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    lesson = lessons()[0]

    client.post(reverse("submit_check", args=[lesson.pk]), form(wrong_answers(lesson)))
    client.post(reverse("submit_check", args=[lesson.pk]), form(right_answers(lesson), attempt=2))

    assert list(
        KnowledgeCheckAttempt.objects.order_by("number").values_list("passed", flat=True)
    ) == [False, True]
    assert VERB_FAILED in verbs()
    assert LessonCompletion.objects.count() == 1


@pytest.mark.django_db
def test_a_form_sent_twice_is_marked_once(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    lesson = lessons()[0]
    data = form(wrong_answers(lesson))

    client.post(reverse("submit_check", args=[lesson.pk]), data)
    second = client.post(reverse("submit_check", args=[lesson.pk]), data, follow=True)

    assert "This check was already submitted." in second.content.decode()
    assert KnowledgeCheckAttempt.objects.count() == 1


@pytest.mark.django_db
def test_resubmitting_after_passing_changes_nothing(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    lesson = lessons()[0]
    client.post(reverse("submit_check", args=[lesson.pk]), form(right_answers(lesson)))

    again = client.post(
        reverse("submit_check", args=[lesson.pk]),
        form(right_answers(lesson), attempt=2),
        follow=True,
    )

    assert "You have already completed this lesson." in again.content.decode()
    assert KnowledgeCheckAttempt.objects.count() == 1


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (
            lambda answers: {qid: ["not-an-option"] for qid in answers},
            "There is a problem An answer is not one of the options.",
        ),
        (
            lambda answers: {**answers, "made-up-question": ["x"]},
            "There is a problem The answers name questions this check does not have.",
        ),
        (
            lambda answers: dict(list(answers.items())[:1]),
            "There is a problem Select an answer to question 2 Select an answer to question 3",
        ),
    ],
)
@pytest.mark.django_db
def test_tampered_or_missing_answers_are_refused_and_nothing_recorded(
    client, learner, course, tamper, problem
):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    lesson = lessons()[0]
    client.get(lesson.url)
    before = Statement.objects.count()

    response = client.post(
        reverse("submit_check", args=[lesson.pk]), form(tamper(right_answers(lesson))), follow=True
    )

    assert texts(response.content, "//div[@data-module='govuk-error-summary']") == [problem]
    assert KnowledgeCheckAttempt.objects.count() == 0
    assert LessonCompletion.objects.count() == 0
    assert Statement.objects.count() == before


@pytest.mark.django_db
def test_submitting_without_an_enrolment_is_refused(client, learner, course):
    client.force_login(learner)
    lesson = lessons()[0]

    response = client.post(
        reverse("submit_check", args=[lesson.pk]), form(right_answers(lesson)), follow=True
    )

    # Sent back to the course page, which says what to do.
    assert [url for url, _ in response.redirect_chain][-1] == course.url
    assert "Enrol on the course first." in texts(response.content, "//main//p")
    assert KnowledgeCheckAttempt.objects.count() == 0


@pytest.mark.django_db
def test_submitting_after_the_course_was_unpublished_is_refused(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    lesson = lessons()[0]
    course.unpublish()

    with pytest.raises(LearningError, match="no longer published"):
        knowledge_check_submit(
            enrolment=Enrolment.objects.get(),
            lesson=lesson,
            answers=right_answers(lesson),
            attempt_number=1,
        )
    assert LessonCompletion.objects.count() == 0


@pytest.mark.django_db
def test_lesson_without_a_check_is_completed_by_reading(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    reading = lessons()[3]

    client.post(reverse("complete_lesson", args=[reading.pk]))

    assert LessonCompletion.objects.get().via == "read"


@pytest.mark.django_db
def test_completing_every_lesson_completes_the_course_with_a_certificate(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    for lesson in lessons():
        if lesson.knowledge_check() is not None:
            client.post(reverse("submit_check", args=[lesson.pk]), form(right_answers(lesson)))
        else:
            client.post(reverse("complete_lesson", args=[lesson.pk]))

    enrolment = Enrolment.objects.get()
    assert enrolment.completed_at is not None
    assert Certificate.objects.filter(enrolment=enrolment).exists()
    course_completion = Statement.objects.get(verb_id=VERB_COMPLETED, data__object__id=course.iri)
    levels = course_completion.data["result"]["extensions"]
    assert sorted(next(iter(levels.values())).values()) == [1, 2]


@pytest.mark.django_db
def test_placement_check_completes_its_module(client, learner, framework, training_lead):
    from courses.loading import course_load
    from tests.courses.data import course_data, lesson

    data = course_data(slug="with-placement")
    data["modules"][0]["lessons"].insert(0, lesson("Placement check", placement=True))
    course = course_load(data, owner=training_lead)
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    placement = lessons(course)[0]

    client.post(reverse("submit_check", args=[placement.pk]), form(right_answers(placement)))

    completed = set(LessonCompletion.objects.values_list("lesson__title", "via"))
    assert completed == {
        ("Placement check", "placement"),
        ("Line charts", "placement"),
        ("Bar charts", "placement"),
    }


@pytest.mark.django_db
def test_lesson_page_queries_do_not_grow_with_the_course(client, learner, framework, training_lead):
    from courses.loading import course_load
    from tests.courses.data import course_data, lesson

    client.force_login(learner)

    def queries_for(slug, modules):
        data = course_data(slug=slug)
        data["modules"] = [
            {"title": f"M{i}", "lessons": [lesson(f"L{i}-{j}") for j in range(3)]}
            for i in range(modules)
        ]
        course = course_load(data, owner=training_lead)
        client.post(reverse("enrol", args=[course.pk]))
        url = course.get_descendants().type(type(lessons()[0])).live().first().specific.url
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_for("small", 1) == queries_for("large", 6)


@pytest.mark.django_db
def test_the_skills_profile_moves_with_checks_and_completion(client, learner, course, requirements):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))

    def level(code):
        response = client.get(reverse("skills"))
        rows = {r.competency.code: r for _, area in response.context["areas"] for r in area}
        return rows[code].reported.level, str(rows[code].reported.source)

    assert level("DA.1") == (None, "None")
    first = lessons()[0]
    client.post(reverse("submit_check", args=[first.pk]), form(right_answers(first)))
    assert level("DA.1") == (2, "knowledge check")
    for lesson in lessons()[1:]:
        if lesson.knowledge_check() is not None:
            client.post(reverse("submit_check", args=[lesson.pk]), form(right_answers(lesson)))
        else:
            client.post(reverse("complete_lesson", args=[lesson.pk]))
    assert level("SP.1") == (1, "course completion")


@pytest.mark.django_db
def test_the_skills_profile_leads_to_the_evidence_in_the_skills_report(client, learner):
    client.force_login(learner)

    page = client.get(reverse("skills")).content.decode()

    assert texts(page, f"//main//a[@href='{reverse('my_report')}']") == [
        "See every piece of evidence behind your levels, and how old it is, in your skills report"
    ]
    assert texts(client.get(reverse("my_report")).content.decode(), "//h1") == [
        "Your skills report"
    ]


def _finish_all_but_the_last(client, course):
    from courses.selectors import course_lessons

    client.post(reverse("enrol", args=[course.pk]))
    *first, last = course_lessons(course)
    for lesson in first:
        if lesson.knowledge_check() is not None:
            client.post(reverse("submit_check", args=[lesson.pk]), form(right_answers(lesson)))
        else:
            client.post(reverse("complete_lesson", args=[lesson.pk]))
    return last


@pytest.mark.django_db
def test_finishing_the_last_lesson_leads_to_the_course_completion_page(
    client, learner, course, training_lead
):
    from courses.loading import course_load
    from courses.services import plan_add
    from tests.courses.data import course_data

    security = course_load(course_data(slug="security", title="Security"), owner=training_lead)
    plan_add(user=learner, course=security, added_by=learner)
    client.force_login(learner)
    last = _finish_all_but_the_last(client, course)
    assert Enrolment.objects.get().completed_at is None

    if last.knowledge_check() is not None:
        response = client.post(reverse("submit_check", args=[last.pk]), form(right_answers(last)))
    else:
        response = client.post(reverse("complete_lesson", args=[last.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("course_complete", args=[course.pk])
    page = client.get(response["Location"])
    html = page.content.decode()
    code = Certificate.objects.get().code
    assert page.status_code == 200
    done = Enrolment.objects.get().completed_at
    assert texts(html, "//main//div[contains(@class, 'govuk-panel')]/*") == [
        "Course complete",
        f"You finished Data basics on {done.day} {done:%B %Y}",
    ]
    assert texts(html, "//main//h2[contains(@class, 'govuk-heading-m')]") == [
        "Your certificate",
        "What this course builds",
        "What to do next",
    ]
    download = reverse("certificate_download", args=[code])
    assert texts(html, f"//main//a[@href='{download}']") == ["Download your certificate (PDF)"]
    verify = reverse("certificate_verify", args=[code])
    assert texts(html, f"//main//p[a[@href='{verify}']]") == [
        f"Its reference is {code}. Anyone you share it with can check it at its verification page."
    ]
    assert texts(html, "//main//ul/li") == [
        "Data literacy (DA.1) to level 2",
        "Cyber hygiene (SP.1) to level 1",
        "Security",
    ]
    assert texts(html, "//main//p[contains(., 'learning plan')]") == ["Next in your learning plan:"]
    assert texts(html, f"//main//li/a[@href='{security.url}']") == ["Security"]
    assert texts(html, f"//main//a[@href='{reverse('dashboard')}']") == ["Go to your learning"]
    lesson_html = client.get(last.url).content.decode()
    complete = reverse("course_complete", args=[course.pk])
    assert texts(lesson_html, f"//main//p[a[@href='{complete}']]") == [
        "You have completed the course. Get your certificate and see what to do next."
    ]


@pytest.mark.django_db
def test_a_lesson_that_does_not_finish_the_course_stays_on_the_lesson(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    lesson = lessons()[0]

    response = client.post(reverse("submit_check", args=[lesson.pk]), form(right_answers(lesson)))

    assert response["Location"] == f"{lesson.url}#check-result"


@pytest.mark.django_db
def test_the_completion_page_waits_for_the_course_to_be_finished(client, learner, course):
    url = reverse("course_complete", args=[course.pk])
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(learner)

    assert client.get(url)["Location"] == course.url  # not enrolled
    client.post(reverse("enrol", args=[course.pk]))
    assert client.get(url)["Location"] == course.url  # enrolled, not finished
    assert client.get(reverse("course_complete", args=[987654])).status_code == 404


@pytest.mark.django_db
def test_after_passing_a_placement_check_next_skips_the_module_it_covered(
    client, learner, framework, training_lead
):
    from courses.loading import course_load
    from tests.courses.data import course_data, lesson

    data = course_data(slug="with-placement")
    data["modules"][0]["lessons"].insert(0, lesson("Placement check", placement=True))
    course = course_load(data, owner=training_lead)
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    placement, first_skipped, *_rest = lessons(course)
    first_of_next_module = course.get_children().live()[1].get_children().live().first()
    assert client.get(placement.url).context["next_lesson"] == first_skipped

    client.post(reverse("submit_check", args=[placement.pk]), form(right_answers(placement)))

    after = client.get(placement.url)
    assert after.context["next_lesson"].pk == first_of_next_module.pk
    assert texts(after.content.decode(), "//a[@rel='next']") == [
        f"Next lesson: {first_of_next_module.title}"
    ]
    assert texts(after.content.decode(), f"//a[@href='{first_of_next_module.url}']") == [
        f"Next lesson: {first_of_next_module.title}"
    ]
    # Reading a skipped lesson anyway, Next still leads out of the module.
    assert client.get(first_skipped.url).context["next_lesson"].pk == first_of_next_module.pk


def _one_question_check_course(training_lead, question_text, option_text):
    from courses.loading import course_load
    from tests.courses.data import check, course_data, lesson

    data = course_data(slug="one-question")
    only = lesson("One question")
    only["body"][1] = check(
        questions=[
            {
                "kind": "multiple",
                "text": question_text,
                "options": [
                    {"text": option_text, "correct": False, "feedback": "Not on its own."},
                    {"text": "Ask who answered", "correct": True, "feedback": "Yes."},
                ],
            }
        ]
    )
    data["modules"] = [{"title": "Only", "lessons": [only]}]
    return course_load(data, owner=training_lead)


@pytest.mark.django_db
def test_knowledge_check_copy_reads_cleanly(client, learner, framework, training_lead):
    course = _one_question_check_course(
        training_lead, "Which help? Select all that apply.", "Trust the figure."
    )
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    (lesson,) = lessons(course)
    html = client.get(lesson.url).content.decode()
    assert texts(html, "//main//p[contains(., 'to pass')]") == [
        "1 question. You need 60% to pass. You can try again as often as you like."
    ]
    assert texts(html, "//form//fieldset") == [
        "1. Which help? Select all that apply. Trust the figure. Ask who answered"
    ]
    assert html.count("Select all that apply.") == 1

    wrong = next(o.id for o in questions_of_lesson(lesson) if o.text == "Trust the figure.")
    client.post(reverse("submit_check", args=[lesson.pk]), form({question_id(lesson): [wrong]}))
    html = client.get(lesson.url).content.decode()

    assert texts(html, "//div[contains(@class, 'app-feedback')]//li") == [
        "You chose “Trust the figure.” Not on its own."
    ]
    assert "”." not in html


def questions_of_lesson(lesson):
    from courses.marking import questions_of

    return questions_of(lesson.knowledge_check().value)[0].options


def question_id(lesson):
    from courses.marking import questions_of

    return questions_of(lesson.knowledge_check().value)[0].id


@pytest.mark.django_db
def test_a_failed_check_gives_feedback_beside_each_question_not_an_error(client, learner, course):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    lesson = lessons()[0]

    response = client.post(
        reverse("submit_check", args=[lesson.pk]), form(wrong_answers(lesson)), follow=True
    )

    html = response.content.decode()
    assert "There is a problem" not in html
    assert "govuk-error-summary" not in html
    assert texts(html, "//main//div[@role='region'][.//h2 = 'Important']") == [
        "Important Not passed this time: 0 of 3 right (0%; 60% needed). "
        "Read the feedback and try again."
    ]
    assert texts(html, "//main//p[@id='check-result']") == [
        "Your last attempt: 0 of 3 right. The feedback is beside each question."
    ]
    assert texts(html, "//form//fieldset") == [
        "1. Which chart shows change over time best? Last time: not quite. "
        "You chose “A pie chart”. Pies show shares. A line chart A pie chart A table",
        "2. Which are signs of a biased sample? Select all that apply. Last time: not quite. "
        "You chose “Random selection”. Randomness reduces bias. "
        "Only online respondents Very few respondents Random selection",
        "3. Averages can hide differences between groups. Last time: not quite. "
        "You chose “False”. They often do. True False",
    ]
    for qid in right_answers(lesson):
        # The feedback sits inside the question's own fieldset, before its options.
        fieldset = html.split(f'id="q-{qid}-feedback"')[1].split("</fieldset>")[0]
        assert "Last time: not quite." in fieldset
        assert 'class="govuk-radios' in fieldset or 'class="govuk-checkboxes' in fieldset
    assert html.count("Last time: not quite.") == 3


@pytest.mark.django_db
def test_unanswered_questions_get_an_error_summary_linking_to_each(client, learner, course):
    from courses.marking import questions_of

    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    lesson = lessons()[0]
    first, second, third = questions_of(lesson.knowledge_check().value)
    kept = first.options[0].id

    response = client.post(reverse("submit_check", args=[lesson.pk]), form({first.id: [kept]}))

    html = response.content.decode()
    assert response.status_code == 200
    assert texts(html, "//title") == [
        f"Error: {lesson.title} \u2013 Data basics \u2013 Digital Capacity Academy"
    ]
    summary = html.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    assert [line.strip() for line in summary.strip().splitlines()] == [
        f'<li><a href="#o-{second.options[0].id}">Select an answer to question 2</a></li>'
        f'<li><a href="#o-{third.options[0].id}">Select an answer to question 3</a></li>'
    ]
    assert (
        f'<p id="q-{second.id}-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> Select an answer to question 2</p>'
    ) in html
    assert f'id="o-{kept}" name="q-{first.id}" type="radio" value="{kept}" checked>' in html
    assert texts(html, "//p[contains(@class, 'govuk-error-message')]") == [
        "Error: Select an answer to question 2",
        "Error: Select an answer to question 3",
    ]
    assert texts(html, "//input[@checked]/following-sibling::label") == [first.options[0].text]
    assert KnowledgeCheckAttempt.objects.count() == 0
