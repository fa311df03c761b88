"""No English is left on the pages people use in French, Spanish and Arabic.

Every page of the permission table that a persona opens (and a few more a learner and a
visitor meet) is rendered in English and in each other language with the same data; whatever
English remains is listed with its page (tests/i18n/untranslated.py says what counts).
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client
from django.utils import timezone
from wagtail.fields import StreamField

from courses.models import Certificate, CoursePage, Enrolment, LessonPage
from tests.i18n.untranslated import Catalogue, Data, Leftover, leftovers, visible_texts
from tests.test_permission_matrix import PAGES, PERSONAS, cast  # noqa: F401 (a fixture)

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

# Who reads each page: the first persona in this order who may open it, so a page is read
# once, by the person who sees the most of it; every persona reads the home page (its menu
# and its tasks differ).
READERS = ["learner", "department_lead", "training_lead", "cto_office", "administrator"]
# Not pages of the service in a language: the CMS (each editor chooses its language in their
# profile), the provisioning API and downloads.
NOT_PAGES = ("/cms/", "/scim/", "/accounts/oidc/")
DOWNLOADS = (".csv", ".xlsx", ".pdf", "export=csv")
MORE_PAGES = {
    "anonymous": [
        "/accounts/confirm-email/",
        "/no-such-page/",
        "/certificates/no-such-code/",
        "/certificates/{certificate}/",
    ],
    "learner": [
        "/learning/skills/",
        "{lesson}",
        "/learning/courses/{course}/complete/",
        # A knowledge check sent with no answer: the lesson with its errors.
        "POST /learning/lessons/{lesson_id}/check/",
        # A self-assessment area sent with no answer: the form with its errors.
        "POST /self-assessment/DA/",
    ],
}
# Apps whose rows are not data people read on pages, or hold no text.
NOT_DATA_APPS = {"sessions", "admin", "contenttypes", "auth", "mfa", "otp_totp", "django_otp"}


def _pages_by_reader(ids) -> dict[str, list[str]]:
    pages = {persona: ["/"] for persona in PERSONAS}
    for path, outcomes in PAGES.items():
        if path == "/" or path.startswith(NOT_PAGES) or any(d in path for d in DOWNLOADS):
            continue
        readers = [persona for persona in READERS if outcomes[persona] == 200]
        if not readers and outcomes["anonymous"] == 200:
            readers = ["anonymous"]
        if readers:
            pages[readers[0]].append(path.format(**ids))
    for persona, more in MORE_PAGES.items():
        pages[persona] += [path.format(**ids) for path in more]
    return pages


def _data() -> Data:
    """Every text stored in the database (names, titles, course content, framework texts,
    reasons given for an assignment) and the names the deployment is configured with: what the
    catalogues do not translate."""
    data = Data()
    # The names a deployment gives the service and its organisation, and the support address.
    data.add([settings.SERVICE_NAME, settings.ORGANISATION_NAME, settings.SUPPORT_EMAIL])
    for model in apps.get_models():
        if model._meta.app_label in NOT_DATA_APPS or model._meta.proxy:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField | StreamField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            for value in row:
                # A StreamField's value as stored: blocks as dicts, lists and strings.
                data.add(value.get_prep_value() if hasattr(value, "stream_block") else value)
    for user in apps.get_model("accounts", "User")._base_manager.all():
        data.add([user.get_full_name(), user.get_short_name(), str(user)])
    for department in apps.get_model("organisations", "Department")._base_manager.all():
        data.add(str(department))
    for page in apps.get_model("wagtailcore", "Page")._base_manager.all():
        page = page.specific
        data.add(str(page))
        for stream in page._meta.concrete_fields:
            if isinstance(stream, StreamField):
                value = getattr(page, stream.name)
                data.add([block.render_as_block() for block in value])
    return data


def _read(person, path: str) -> tuple[int, str]:
    """The page at `path` as `person` reads it: its status and HTML ("POST /path" sends the
    form there empty). Each request runs in a savepoint of its own, so what one writes (a
    session, a sign-in time) is gone before the next."""
    cache.clear()
    client = Client()
    with transaction.atomic():
        if person is not None:
            client.force_login(person)
        method, _, address = path.rpartition(" ")
        response = client.post(address, {}) if method == "POST" else client.get(address)
        transaction.set_rollback(True)
    html = response.content.decode() if "html" in response.get("Content-Type", "") else ""
    return response.status_code, html


@pytest.fixture
def enrolled(cast):  # noqa: F811 (the fixture imported above)
    """The learner has finished the course, with its certificate, so its lessons, its
    completion page and the certificate's verification page open."""
    learner = cast.people["learner"]
    course = CoursePage.objects.get(pk=cast.ids["course"])
    enrolment = Enrolment.objects.create(user=learner, course=course, completed_at=timezone.now())
    certificate = Certificate.objects.create(enrolment=enrolment)
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    return {
        **cast.ids,
        "lesson": lesson.url,
        "lesson_id": lesson.pk,
        "certificate": certificate.code,
    }


@pytest.mark.django_db
def test_no_english_is_left_on_any_page_in_another_language(cast, enrolled):  # noqa: F811
    catalogue, data = Catalogue.load(), _data()
    found = {}
    for persona, paths in _pages_by_reader(enrolled).items():
        person = cast.people[persona]
        for path in paths:
            status, english = _read(person, path)
            assert status in (200, 404), (persona, path, status)
            for language in LANGUAGES:
                method, _, address = path.rpartition(" ")
                status_there, page = _read(person, f"{method} /{language}{address}".strip())
                assert status_there == status, (persona, language, path, status_there)
                for leftover in leftovers(page, english, language, catalogue, data):
                    found.setdefault(f"{language} {path} ({persona})", []).append(
                        f"{leftover.text} [{leftover.why}]"
                    )

    listing = "\n".join(f"{page}:\n  " + "\n  ".join(texts) for page, texts in found.items())
    assert found == {}, f"English left on pages in other languages:\n{listing}"


# The checker itself, on pages small enough to read.

ENGLISH_PAGE = """<!DOCTYPE html><html lang="en-GB"><head><title>Your learning - Academy</title>
<script>const message = "Loading the page for you";</script><style>p::after{content:"x"}</style>
</head><body>
<a href="#main">Skip to main content</a>
<p><a href="/login/">Sign in</a> <a href="/signup/">Create an account</a></p>
<h1>Your learning</h1>
<p>You are signed in as <strong>Amina Okafor</strong>.</p>
<p>Amina Okafor, Citizen service officer</p>
<p>What is a line chart and how do you read one?</p>
<button aria-label="Close this message for now">x</button>
<input type="submit" value="Save and continue">
<img src="chart.png" alt="A chart of the team's progress">
<p>Download the report for your team</p>
<p>Total</p>
<p>5 February 2027</p>
</body></html>"""

FRENCH_PAGE = """<!DOCTYPE html><html lang="fr"><head><title>Votre apprentissage - Academy</title>
<script>const message = "Loading the page for you";</script><style>p::after{content:"x"}</style>
</head><body>
<a href="#main">Skip to main content</a>
<p><a href="/login/">Se connecter</a> <a href="/signup/">Create an account</a></p>
<ul><li><button lang="en-GB" value="en-gb">English</button></li><li>Français</li></ul>
<h1>Your learning</h1>
<p>Vous êtes connecté en tant que <strong>Amina Okafor</strong>.</p>
<p>Amina Okafor, Citizen service officer</p>
<p>What is a line chart and how do you read one?</p>
<button aria-label="Close this message for now">x</button>
<input type="submit" value="Enregistrer et continuer">
<img src="chart.png" alt="Un graphique des progrès de l'équipe">
<p>Download the report for your team</p>
<p>Total</p>
<p>5 February 2027</p>
<p>You are signed in as <strong>Amina Okafor</strong>.</p>
</body></html>"""


def _small_catalogue() -> Catalogue:
    catalogue = Catalogue()
    catalogue.add("fr", "Your learning", "Votre apprentissage")
    catalogue.add(
        "fr", "You are signed in as %(name)s.", "Vous êtes connecté en tant que %(name)s."
    )
    catalogue.add("fr", "Save and continue", "Enregistrer et continuer")
    catalogue.add("fr", "Sign in", "Se connecter")
    # The switcher names each language in itself, in an element that says so.
    catalogue.add("fr", "English", "Anglais")
    catalogue.add("fr", "Create an account", "")
    catalogue.add("fr", "Total", "Total")  # the same word in both languages
    catalogue.add("es", "Skip to main content", "Saltar al contenido principal")
    return catalogue


def _small_data() -> Data:
    data = Data()
    data.add(["Amina", "Okafor", "Amina Okafor", "Citizen service officer"])
    data.add("<p>What is a line chart and <b>how do you read one</b>?</p>")
    return data


def test_visible_texts_are_what_a_person_reads():
    assert visible_texts(ENGLISH_PAGE) == [
        "Your learning - Academy",
        "Skip to main content",
        "Sign in",
        "Create an account",
        "Your learning",
        "You are signed in as Amina Okafor.",
        "Amina Okafor, Citizen service officer",
        "What is a line chart and how do you read one?",
        "Close this message for now",
        "x",
        "Save and continue",
        "A chart of the team's progress",
        "Download the report for your team",
        "Total",
        "5 February 2027",
    ]


def test_the_checker_finds_english_left_and_passes_data():
    found = leftovers(FRENCH_PAGE, ENGLISH_PAGE, "fr", _small_catalogue(), _small_data())

    assert found == [
        # Only Spanish has this string translated: in French it reads as English anyway.
        Leftover("Skip to main content", "not translated"),
        # Marked, not translated yet: two words of the service's English French never uses.
        Leftover("Create an account", "not translated"),
        Leftover("Your learning", "translation exists"),
        Leftover("Close this message for now", "not translated"),
        Leftover("Download the report for your team", "not translated"),
        # A date written in English.
        Leftover("5 February 2027", "not translated"),
        Leftover("You are signed in as Amina Okafor.", "translation exists"),
    ]


def test_the_checker_passes_a_page_translated_in_full():
    spanish = """<html lang="es"><head><title>Tu aprendizaje - Academy</title></head><body>
    <a href="#main">Saltar al contenido principal</a><h1>Tu aprendizaje</h1>
    <p>Amina Okafor, Citizen service officer</p>
    <p>What is a line chart and how do you read one?</p><p>Total</p><p>5 ene 2027</p>
    </body></html>"""

    assert leftovers(spanish, ENGLISH_PAGE, "es", _small_catalogue(), _small_data()) == []


def test_the_checker_reads_the_project_catalogues():
    """A string the project's French catalogue translates, left in English, is found."""
    page = '<html lang="fr"><body><a href="#main">Skip to main content</a></body></html>'

    assert leftovers(page, page, "fr", Catalogue.load(), Data()) == [
        Leftover("Skip to main content", "translation exists")
    ]


def test_the_checker_reads_placeholders_no_wider_than_they_can_be():
    catalogue = Catalogue()
    catalogue.add("fr", "Line %(line)s", "Ligne %(line)s")
    catalogue.add("fr", "%(audience)s, due %(date)s", "%(audience)s, échéance le %(date)s")
    catalogue.add("fr", "Learners of %(title)s", "Apprenants de %(title)s")
    catalogue.add("fr", "Page %(title)s", "Page de %(title)s")
    texts = [
        "Line 12",
        "Line charts",  # a lesson's title, not a line number
        "Everyone, due 5 January 2027",
        "Learners of Data basics",
        "Apprenants de Data basics",
        "Page layouts",  # one word and any text: too wide to tell
    ]

    assert [catalogue.translated_english(text, "fr") for text in texts] == [
        True,
        False,
        True,
        True,
        False,
        False,
    ]
