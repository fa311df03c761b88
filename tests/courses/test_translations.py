"""Courses translated in the CMS: a training lead copies a course into a language, edits the
copy and a second training lead approves it; learners read it in their language, and their
learning record is one across the course's languages."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale

from accounts.roles import Role
from content_fixtures import names, read
from courses import xapi as course_xapi
from courses.loading import _translated
from courses.marking import questions_of
from courses.models import (
    Certificate,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    KnowledgeCheckAttempt,
    LessonCompletion,
    LessonPage,
    ModulePage,
)
from tests.courses.drafts import act, submit
from tests.courses.helpers import form, lessons, right_answers
from tests.factories import make_person
from tests.html import text_of, texts, tree
from xapi.models import Statement

SHARED = ("training_lead", "learner", "course")

pytestmark = pytest.mark.django_db

FRENCH_TITLES = {
    "Line charts": "Les graphiques en courbes",
    "Bar charts": "Les diagrammes en barres",
    "Bias": "Les biais",
    "Reading": "La lecture",
}


PROGRESS = "//p[@class='govuk-body']/strong"


def _text(response) -> str:
    return text_of(tree(response.content))


@pytest.fixture
def second_lead(db):
    return make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])


def _translate_in_the_cms(client, user, course, language: str) -> CoursePage:
    """Copy `course` with its modules and lessons into `language` through Wagtail's
    "Translate page" form, as a training lead does."""
    client.force_login(user)
    url = reverse("simple_translation:submit_page_translation", args=[course.pk])
    assert client.get(url).status_code == 200
    locale = Locale.objects.get(language_code=language)
    response = client.post(url, {"locales": [locale.pk], "include_subtree": "on"})
    translated = CoursePage.objects.get(translation_key=course.translation_key, locale=locale)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[translated.pk])
    return translated


def _write_in_french(course: CoursePage, author) -> None:
    """The translator's edits: the course and each lesson in French, saved as drafts."""
    course = course.get_latest_revision_as_object()
    course.title = "Les bases des données"
    course.summary = "Lire les données avec assurance."
    course.save_revision(user=author)
    for lesson in LessonPage.objects.descendant_of(course).order_by("path"):
        lesson = lesson.get_latest_revision_as_object()
        lesson.title = FRENCH_TITLES[lesson.title]
        lesson.save_revision(user=author)


def _publish_translation(course: CoursePage, language: str) -> CoursePage:
    """A translation published without review, for tests about reading one."""
    locale = Locale.objects.get(language_code=language)
    from courses.loading import translation_roots_ensure

    translation_roots_ensure()
    translated = CopyPageForTranslationAction(course, locale, include_subtree=True).execute(
        skip_permission_checks=True
    )
    translated.title = "Les bases des données"
    translated.save_revision().publish()
    for page in translated.get_descendants().order_by("path").specific():
        if isinstance(page, LessonPage):
            page.title = FRENCH_TITLES[page.title]
        page.save_revision().publish()
    return CoursePage.objects.get(pk=translated.pk)


def test_a_course_translated_in_the_cms_is_reviewed_by_a_second_lead_and_read_in_french(
    client, training_lead, second_lead, learner, course
):
    french = _translate_in_the_cms(client, training_lead, course, "fr")

    # Copied with its modules and lessons, as drafts, in the French catalogue.
    assert not french.live
    assert french.get_parent().specific.locale.language_code == "fr"
    assert isinstance(french.get_parent().specific, CourseIndexPage)
    assert [p.title for p in ModulePage.objects.child_of(french).order_by("path")] == [
        "Charts",
        "Samples",
    ]
    french_lessons = list(LessonPage.objects.descendant_of(french).order_by("path"))
    assert [lesson.title for lesson in french_lessons] == list(FRENCH_TITLES)
    assert not any(lesson.live for lesson in french_lessons)

    _write_in_french(french, training_lead)
    state = submit(french, training_lead)

    # The translator may not approve their own translation.
    with pytest.raises(PermissionDenied):
        act(french, training_lead, "approve")
    assert not CoursePage.objects.get(pk=french.pk).live

    act(french, second_lead, "approve")
    state.refresh_from_db()
    assert state.status == state.STATUS_APPROVED
    assert CoursePage.objects.get(pk=french.pk).live
    assert [p.title for p in LessonPage.objects.live().descendant_of(french).order_by("path")] == [
        *FRENCH_TITLES.values()
    ]

    client.force_login(learner)
    french = CoursePage.objects.get(pk=french.pk)
    assert french.url == "/fr/courses/data-basics/"
    response = client.get("/fr/courses/data-basics/")
    page = _text(response)
    assert "Les bases des données" in page
    assert "Les graphiques en courbes" in page
    # Read in its own language: no note, and no other language marked on its content.
    assert texts(response.content, "//*[@id='language-note-title']") == []
    assert tree(response.content).xpath("//h1/@lang") == []


def test_a_translation_marks_questions_with_the_english_lessons_ids(training_lead, course):
    french = _publish_translation(course, "fr")

    pairs = zip(lessons(course), lessons(french), strict=True)
    for english, translated in pairs:
        english_check, french_check = english.knowledge_check(), translated.knowledge_check()
        if english_check is None:
            assert french_check is None
            continue
        assert french_check.id == english_check.id
        assert [(q.id, [o.id for o in q.options]) for q in questions_of(french_check.value)] == [
            (q.id, [o.id for o in q.options]) for q in questions_of(english_check.value)
        ]
        assert translated.source == english
    # Each translation has an activity id of its own, never used: records name the English.
    assert french.activity_uuid != course.activity_uuid
    assert french.source == course


def test_progress_made_in_french_shows_on_the_english_course_and_certificate(
    client, training_lead, learner, course
):
    french = _publish_translation(course, "fr")
    client.force_login(learner)

    response = client.post(reverse("enrol", args=[french.pk]))
    first_french = lessons(french)[0]
    assert response["Location"] == first_french.url
    assert first_french.url.startswith("/fr/")
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.course == course

    for lesson in lessons(french):
        client.get(lesson.url)
        if lesson.knowledge_check() is not None:
            client.post(reverse("submit_check", args=[lesson.pk]), form(right_answers(lesson)))
        else:
            client.post(reverse("complete_lesson", args=[lesson.pk]))

    english_lessons = lessons(course)
    assert sorted(
        LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
    ) == sorted(each.pk for each in english_lessons)
    assert set(
        KnowledgeCheckAttempt.objects.filter(enrolment=enrolment).values_list(
            "lesson_id", flat=True
        )
    ) == {each.pk for each in english_lessons if each.knowledge_check() is not None}
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    certificate = Certificate.objects.get(enrolment=enrolment)

    english_page = _text(client.get(course.url))
    assert "Course complete" in english_page
    assert "Data basics" in english_page
    french_page = _text(client.get(french.url))
    assert "Les bases des données" in french_page
    response = client.get(reverse("certificate_verify", args=[certificate.code]))
    assert response.status_code == 200
    assert "Data basics" in _text(response)


def test_a_lesson_read_in_english_after_french_shows_the_progress_made(
    client, training_lead, learner, course
):
    french = _publish_translation(course, "fr")
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    first_french = lessons(french)[0]
    client.post(reverse("submit_check", args=[first_french.pk]), form(right_answers(first_french)))

    english = client.get(course.url).content
    assert texts(english, PROGRESS) == ["1 of 4 lessons complete."]
    # The attempt made in French is the English lesson's.
    assert KnowledgeCheckAttempt.objects.get().lesson_id == lessons(course)[0].pk
    assert list(LessonCompletion.objects.values_list("lesson_id", flat=True)) == [
        lessons(course)[0].pk
    ]
    caption = texts(client.get(lessons(course)[0].url).content, "//span[@class='govuk-caption-l']")
    assert caption == ["Lesson 1 of 4 · Completed"]
    # And in French ("1 … 4", in the French words).
    [french_progress] = texts(client.get(french.url).content, PROGRESS)
    assert re.findall(r"\d+", french_progress) == ["1", "4"]


def test_a_course_not_translated_yet_is_shown_in_english_with_a_note(client, learner, course):
    client.force_login(learner)

    response = client.get("/es/courses/data-basics/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es"' in html
    assert '<h1 class="govuk-heading-xl" lang="en-GB" dir="ltr">Data basics</h1>' in html
    assert "Este curso aún no está disponible en español; se muestra en inglés." in _text(response)


def test_a_course_not_translated_into_arabic_keeps_its_english_left_to_right(
    client, learner, course
):
    client.force_login(learner)

    response = client.get("/ar/courses/data-basics/")

    html = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert '<h1 class="govuk-heading-xl" lang="en-GB" dir="ltr">Data basics</h1>' in html
    assert texts(html, "//*[@id='language-note-title']") == [
        "هذه الدورة غير متاحة باللغة العربية بعد، لذا تُعرض باللغة الإنجليزية."
    ]


def test_the_english_course_page_has_no_note(client, learner, course):
    client.force_login(learner)

    html = client.get(course.url).content.decode()

    assert '<h1 class="govuk-heading-xl">Data basics</h1>' in html
    assert texts(html, "//*[@id='language-note-title']") == []


def test_the_catalogue_lists_each_course_once_in_the_readers_language(
    client, training_lead, learner, course
):
    _publish_translation(course, "fr")
    client.force_login(learner)

    french = _text(client.get("/fr/courses/"))
    spanish = _text(client.get("/es/courses/"))

    assert "Les bases des données" in french
    assert "Data basics" not in french
    assert "Data basics" in spanish
    assert "Les bases des données" not in spanish


def test_activity_definitions_name_the_course_in_every_published_language(
    training_lead, learner, course
):
    french = _publish_translation(course, "fr")
    english_lesson, french_lesson = lessons(course)[0], lessons(french)[0]

    assert course_xapi.course_activity(course).definition.name == {
        "en-GB": "Data basics",
        "fr": "Les bases des données",
    }
    assert course_xapi.lesson_activity(english_lesson).definition.name == {
        "en-GB": "Line charts",
        "fr": "Les graphiques en courbes",
    }
    check = english_lesson.knowledge_check()
    assert course_xapi.assessment_activity(english_lesson, check).definition.name == {
        "en-GB": f"Line charts: {check.value['title']}",
        "fr": f"Les graphiques en courbes: {check.value['title']}",
    }

    # A check answered in French is stated with the English lesson's identities and both
    # wordings; the learner stays a pseudonym.
    from courses.services import enrolment_create, knowledge_check_submit

    enrolment = enrolment_create(user=learner, course=french)
    _attempt, _marking = knowledge_check_submit(
        enrolment=enrolment,
        lesson=french_lesson,
        answers=right_answers(french_lesson),
        attempt_number=1,
    )
    passed = (
        Statement.objects.filter(data__verb__id="http://adlnet.gov/expapi/verbs/passed")
        .order_by("-pk")
        .first()
        .data
    )
    assert passed["object"]["id"].endswith(str(check.id))
    assert passed["object"]["definition"]["name"] == {
        "en-GB": f"Line charts: {check.value['title']}",
        "fr": f"Les graphiques en courbes: {check.value['title']}",
    }
    assert passed["context"]["contextActivities"]["parent"][0]["id"] == english_lesson.iri
    assert passed["context"]["contextActivities"]["parent"][1]["definition"]["name"] == {
        "en-GB": "Data basics",
        "fr": "Les bases des données",
    }
    assert learner.email not in str(passed)
    assert learner.get_full_name() not in str(passed)


def test_an_english_only_course_is_named_in_english_alone(course):
    assert course_xapi.course_activity(course).definition.name == {"en-GB": "Data basics"}


# What a translation leaves as the English course has it: structure, codes and choices.
NOT_WORDED = ("slug", "type", "kind", "competency", "package", "source", "code", "format", "level")


def _strings(data, path=""):
    """Every piece of text a translator words, by where it sits."""
    if isinstance(data, dict):
        found = {}
        for key, value in data.items():
            if key not in (*NOT_WORDED, "language"):
                found.update(_strings(value, f"{path}/{key}"))
        return found
    if isinstance(data, list):
        found = {}
        for position, value in enumerate(data):
            found.update(_strings(value, f"{path}/{position}"))
        return found
    return {path: data} if isinstance(data, str) else {}


@pytest.mark.parametrize(
    "name", [n for lang in ("fr", "es", "ar") for n in names(f"course_translations/{lang}")]
)
def test_every_demo_translation_words_all_of_its_course(name):
    english = read(f"courses/{name.rsplit('/', 1)[-1]}")
    translation = read(name)

    merged = _translated(english, translation)

    # The same structure, and every text the learner reads in the translation's words.
    english_text = _strings(english)
    assert _strings(translation).keys() == english_text.keys()
    assert _strings(merged) == _strings(translation)
    assert [path for path, text in english_text.items() if _strings(merged)[path] == text] == []


TRANSLATED_COURSE = {
    "language": "es",
    "title": "Conceptos básicos de datos",
    "summary": "Leer datos con seguridad.",
    "audience": "Todo el personal",
    "prerequisites": "Ninguno.",
    "description": "<p>Un curso breve.</p>",
    "modules": [
        {
            "title": "Gráficos",
            "summary": "Gráficos.",
            "lessons": [
                {"title": "Gráficos de líneas", "summary": "Sobre los gráficos de líneas."},
                {"title": "Gráficos de barras", "summary": "Sobre los gráficos de barras."},
            ],
        },
        {
            "title": "Muestras",
            "summary": "Muestras.",
            "lessons": [
                {"title": "Sesgo", "summary": "Sobre el sesgo."},
                {"title": "Lectura", "summary": "Sobre la lectura."},
            ],
        },
    ],
}


def test_a_seeded_translation_is_published_with_the_english_ids(training_lead, course):
    from courses.loading import course_translation_load
    from tests.courses.data import course_data

    spanish = course_translation_load(course_data(), TRANSLATED_COURSE, owner=training_lead)
    again = course_translation_load(course_data(), TRANSLATED_COURSE, owner=training_lead)

    assert again.pk == spanish.pk
    assert spanish.live
    assert spanish.title == "Conceptos básicos de datos"
    assert spanish.source == course
    assert [lesson.title for lesson in lessons(spanish)] == [
        "Gráficos de líneas",
        "Gráficos de barras",
        "Sesgo",
        "Lectura",
    ]
    assert [[block.id for block in lesson.body] for lesson in lessons(spanish)] == [
        [block.id for block in lesson.body] for lesson in lessons(course)
    ]
    assert [right_answers(lesson) for lesson in lessons(spanish)[:3]] == [
        right_answers(lesson) for lesson in lessons(course)[:3]
    ]
    assert CoursePage.objects.filter(translation_key=course.translation_key).count() == 2


def test_the_authors_report_lists_a_translated_course_once_with_its_learners(
    training_lead, learner, course
):
    from courses.reports import course_report
    from courses.services import enrolment_create

    french = _publish_translation(course, "fr")
    enrolment_create(user=learner, course=french)

    assert [(row.title, row.enrolled) for row in course_report(owner=None)] == [("Data basics", 1)]
