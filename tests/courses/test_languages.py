"""A learner takes a course in French, Spanish and Arabic: the catalogue, the course page, a
lesson's knowledge check answered wrong then right, the completion page and the certificate.
The service's own words come out in the learner's language; the course itself, not yet
translated, stays in English and is marked as such (`lang`), and no English sentence of the
courses catalogue is left anywhere else on those pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from courses import selectors
from courses.models import Certificate
from lms.catalogues import entries
from tests.courses.helpers import form, lessons, right_answers, wrong_answers
from tests.html import heading, text_of, texts, tree

SHARED = ("learner", "course")

CATALOGUE = Path(settings.BASE_DIR) / "courses" / "locale" / "fr" / "LC_MESSAGES" / "django.po"

# What each page says in each language, as a person reads it (tests/html.py collapses spaces,
# so French reads "cette fois-ci: 0" where the page has a no-break space before the colon).
EXPECTED = {
    "fr": {
        "catalogue": ["Cours", ["Trouver un cours", "1 cours"], ["Appliquer les filtres"]],
        "course": [
            ["Plan du cours"],
            ["S'inscrire et commencer", "Ajouter à votre plan de formation"],
        ],
        "enrolled": "Vous êtes inscrit au cours Data basics.",
        "lesson": [
            "Leçon 1 sur 4",
            "3 questions. Vous devez obtenir 60 % pour réussir. Vous pouvez réessayer autant de "
            "fois que vous le souhaitez.",
            ["Vérifier mes réponses"],
        ],
        "wrong": [
            "Pas réussi cette fois-ci: 0 bonnes réponses sur 3 (0 %; 60 % requis). Lisez les "
            "commentaires et réessayez.",
            "Votre dernière tentative: 0 bonnes réponses sur 3. Le commentaire figure à côté de "
            "chaque question.",
            ["La dernière fois: pas tout à fait."] * 3,
        ],
        "right": [
            "Réussi: 3 bonnes réponses sur 3 (100 %).",
            "Votre dernière tentative: 3 bonnes réponses sur 3, réussi",
            ["Bonne réponse:"] * 3,
            "Vous avez terminé cette leçon.",
        ],
        "complete": [
            "Cours terminé",
            ["Votre certificat", "Ce que ce cours développe", "Et ensuite?"],
        ],
        "verify": [
            "Le certificat est valide",
            ["Compétences et niveaux attestés par ce cours"],
            "{name} a terminé Data basics le {date}.",
        ],
        "pdf": [
            "Certificat de réussite",
            ["Nous certifions que", "a terminé le cours", "le {date}."],
        ],
        "month": "décembre",
    },
    "es": {
        "catalogue": ["Cursos", ["Buscar un curso", "1 curso"], ["Aplicar filtros"]],
        "course": [
            ["Índice del curso"],
            ["Inscribirse y empezar", "Añadir a su plan de aprendizaje"],
        ],
        "enrolled": "Se ha inscrito en Data basics.",
        "lesson": [
            "Lección 1 de 4",
            "3 preguntas. Necesita un 60 % para aprobar. Puede intentarlo tantas veces como "
            "quiera.",
            ["Comprobar mis respuestas"],
        ],
        "wrong": [
            "No aprobado esta vez: 0 de 3 correctas (0 %; se necesita un 60 %). Lea los "
            "comentarios e inténtelo de nuevo.",
            "Su último intento: 0 de 3 correctas. Los comentarios aparecen junto a cada pregunta.",
            ["La última vez: no del todo."] * 3,
        ],
        "right": [
            "Aprobado: 3 de 3 correctas (100 %).",
            "Su último intento: 3 de 3 correctas, aprobado",
            ["Correcto:"] * 3,
            "Ha completado esta lección.",
        ],
        "complete": [
            "Curso completado",
            ["Su certificado", "Lo que desarrolla este curso", "Qué hacer a continuación"],
        ],
        "verify": [
            "El certificado es válido",
            ["Competencias y niveles que acredita este curso"],
            "{name} completó Data basics el {date}.",
        ],
        "pdf": [
            "Certificado de finalización",
            ["Se certifica que", "ha completado el curso", "el {date}."],
        ],
        "month": "de diciembre de",
    },
    "ar": {
        "catalogue": ["الدورات", ["ابحث عن دورة", "دورة واحدة"], ["تطبيق عوامل التصفية"]],
        "course": [["مخطط الدورة"], ["التسجيل والبدء", "إضافة إلى خطة التعلّم"]],
        "enrolled": "أنت مسجّل في Data basics.",
        "lesson": [
            "الدرس 1 من 4",
            "3 أسئلة. تحتاج إلى 60٪ للنجاح. يمكنك المحاولة مجددًا كلما شئت.",
            ["التحقق من إجاباتي"],
        ],
        "wrong": [
            "لم تنجح هذه المرة: 0 إجابات صحيحة من 3 (0٪؛ والمطلوب 60٪). "
            "اقرأ الملاحظات وحاول مرة أخرى.",
            "محاولتك الأخيرة: 0 إجابات صحيحة من 3. تظهر الملاحظات بجانب كل سؤال.",
            ["في المرة السابقة: ليس تمامًا."] * 3,
        ],
        "right": [
            "نجحت: 3 إجابات صحيحة من 3 (100٪).",
            "محاولتك الأخيرة: 3 إجابات صحيحة من 3، ناجح",
            ["صحيح:"] * 3,
            "أتممت هذا الدرس.",
        ],
        "complete": ["اكتملت الدورة", ["شهادتك", "ما تبنيه هذه الدورة", "ما الخطوة التالية"]],
        "verify": [
            "الشهادة صالحة",
            ["المهارات والمستويات التي تؤكدها هذه الدورة"],
            "أتمّ {name} دورة Data basics بتاريخ {date}.",
        ],
        "pdf": ["شهادة إتمام", ["نشهد بأنّ", "أتمّ الدورة", "بتاريخ {date}."]],
        "month": "ديسمبر",
    },
}


def english_fragments() -> set[str]:
    """The fixed wording of the courses catalogue: each msgid cut at its placeholders and
    tags, keeping the pieces of two words or more (a lone word could be a course's own)."""
    pieces = set()
    for entry in entries(CATALOGUE.read_text(encoding="utf-8")):
        for text in (entry.msgid, entry.msgid_plural):
            for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>|[“”()]", text):
                piece = " ".join(piece.split()).strip(" .,:;")
                if len(piece.split()) >= 2:
                    pieces.add(piece)
    return pieces


def service_words(html: bytes) -> str:
    """The page's words outside what is marked as English content (`lang="en…"`)."""
    words = []
    for element in tree(html).iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        marked = element.xpath("ancestor-or-self::*[@lang][1]/@lang")
        if element.text and not (marked and marked[0].lower().startswith("en")):
            words.append(element.text)
        parent = element.getparent()
        outer = parent.xpath("ancestor-or-self::*[@lang][1]/@lang") if parent is not None else []
        if element.tail and not (outer and outer[0].lower().startswith("en")):
            words.append(element.tail)
    return " ".join(" ".join(words).split())


def messages(html: bytes) -> list[str]:
    return texts(html, "//p[contains(@class, 'govuk-notification-banner__heading') and not(@id)]")


def buttons(html: bytes) -> list[str]:
    return texts(html, "//main//button | //main//a[@role='button']")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["fr", "es", "ar"])
def test_a_learner_takes_a_course_in_their_language(client, learner, course, lang):
    expected = EXPECTED[lang]
    learner.language = lang
    learner.save(update_fields=["language"])
    client.force_login(learner)
    english = english_fragments()
    read = []

    def get(url, **data):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain == [] or response.redirect_chain[-1][0].startswith(
            f"/{lang}/"
        )
        read.append(response.content)
        return response.content

    def post(url, data=None):
        response = client.post(url, data or {}, follow=True)
        assert response.status_code == 200
        read.append(response.content)
        return response.content

    with translation.override(lang):
        catalogue_url = reverse("catalogue")
        enrol_url = reverse("enrol", args=[course.pk])

    html = get(catalogue_url)
    h1, h2s, labels = expected["catalogue"]
    assert heading(html) == h1
    assert texts(html, "//main//h2") == h2s
    assert buttons(html) == labels

    html = get(course.url)
    assert texts(html, "//main//h2") == expected["course"][0]
    assert buttons(html) == expected["course"][1]

    html = post(enrol_url)
    first = next(each for each in lessons(course) if each.knowledge_check() is not None)
    caption, hint, labels = expected["lesson"]
    assert messages(html) == [expected["enrolled"]]
    assert texts(html, "//main//span[contains(@class, 'govuk-caption-l')]") == [caption]
    assert texts(html, "//main//form[@novalidate]/preceding-sibling::p[1]") == [hint]
    assert buttons(html) == labels

    with translation.override(lang):
        submit_url = reverse("submit_check", args=[first.pk])
    html = post(submit_url, form(wrong_answers(first)))
    message, result, feedback = expected["wrong"]
    assert messages(html) == [message]
    assert texts(html, "//p[@id='check-result']") == [result]
    assert texts(html, "//div[contains(@class, 'app-feedback')]/p") == feedback

    html = post(submit_url, form(right_answers(first), attempt=2))
    message, result, right, done = expected["right"]
    assert messages(html) == [message]
    assert texts(html, "//div[@id='check-result']/h3") == [result]
    assert texts(html, "//div[@id='check-result']//p/strong") == right
    assert texts(html, "//div[@id='check-result']/following-sibling::p[1]") == [done]

    for lesson in lessons(course):
        if lesson.pk == first.pk:
            continue
        with translation.override(lang):
            if lesson.knowledge_check() is not None:
                html = post(reverse("submit_check", args=[lesson.pk]), form(right_answers(lesson)))
            else:
                html = post(reverse("complete_lesson", args=[lesson.pk]))
    title, h2s = expected["complete"]
    assert texts(html, "//main//h1") == [title]
    assert texts(html, "//main//h2") == h2s

    certificate = Certificate.objects.get()
    with translation.override(lang):
        day = certificate.enrolment.completed_at
        date = f"{day.day} {expected['month']} {day.year}"
        html = get(reverse("certificate_verify", args=[certificate.code]))
    title, h2s, sentence = expected["verify"]
    assert heading(html) == title
    assert texts(html, "//main//h2") == h2s
    assert texts(html, "//main//div[contains(@class, 'govuk-panel')]/following-sibling::p[1]") == [
        sentence.format(name=learner.get_full_name(), date=date)
    ]

    with translation.override(lang):
        pdf = render_to_string(
            "courses/certificate.html",
            {
                "certificate": certificate,
                "competencies": selectors.certificate_competencies(certificate),
                "verify_url": "https://example.test/",
            },
        )
    title, lines = expected["pdf"]
    assert heading(pdf) == title
    assert [text_of(p) for p in tree(pdf).xpath("//p[not(@class)]")] == [
        line.format(date=date) for line in lines
    ]
    read.append(pdf.encode())

    pages = [service_words(html) for html in read]
    left = {
        piece
        for words in pages
        for piece in english
        if re.search(rf"\b{re.escape(piece)}\b", words)
    }
    assert left == set()


PLAYER = {
    "fr": [
        "ltr",
        "Retour à la leçon",
        "Avertissement Ce cours a besoin de JavaScript pour fonctionner et enregistrer votre "
        "progression. Activez JavaScript dans votre navigateur, ou revenez à la leçon.",
    ],
    "es": [
        "ltr",
        "Volver a la lección",
        "Advertencia Este curso necesita JavaScript para funcionar y registrar su progreso. "
        "Active JavaScript en su navegador o vuelva a la lección.",
    ],
    "ar": [
        "rtl",
        "العودة إلى الدرس",
        "تحذير تحتاج هذه الدورة إلى JavaScript لتعمل وتسجّل تقدّمك. فعّل JavaScript في متصفحك، "
        "أو عُد إلى الدرس.",
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["fr", "es", "ar"])
def test_the_scorm_player_speaks_the_learners_language(settings, lang):
    """The player is on the content origin, whose addresses name no language: it takes the
    learner's own."""
    from packages.models import Package
    from scorm.importer import import_package
    from scorm.services import sco_launch
    from tests.factories import make_person
    from tests.scorm.conftest import CONTENT, PACKAGES, PLATFORM
    from tests.scorm.helpers import open_player

    settings.SITE_URL = PLATFORM
    settings.PACKAGE_CONTENT_ORIGIN = CONTENT
    package = Package.objects.create(title="", kind=Package.Kind.SCORM_12)
    import_package(package=package, root=PACKAGES / "tiny-scorm12", xml=None)
    person = make_person()
    person.language = lang
    person.save(update_fields=["language"])

    response, _ = open_player(sco_launch(user=person, package=package, return_url=PLATFORM))

    html = response.content
    direction, back, warning = PLAYER[lang]
    assert response.status_code == 200
    assert (tree(html).get("lang"), tree(html).get("dir")) == (lang, direction)
    assert texts(html, "//a[contains(@class, 'govuk-back-link')]") == [back]
    assert texts(html, "//strong[contains(@class, 'govuk-warning-text__text')]") == [warning]
