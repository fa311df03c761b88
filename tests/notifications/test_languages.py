"""Notifications in French, Spanish and Arabic: an email is written in its recipient's language
(English when they chose none) however many languages one batch holds, and the notification
pages, preferences and unsubscribe pages read in the language of their address."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from notifications.services import Email, emails_send_once, notification_create, unsubscribe_token
from tests.factories import make_person
from tests.html import heading, texts, tree

SHARED = ("learner",)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    """A request to a /fr/ or /ar/ address leaves its language active in this thread; the
    next module's tests expect the default."""
    yield
    translation.deactivate()


NBSP = "\u00a0"


def reader(first: str, language: str, email: str = ""):
    person = make_person(first_name=first, email=email or f"{first.lower()}@example.org")
    person.language = language
    person.save(update_fields=["language"])
    return person


def test_one_batch_renders_each_email_in_its_recipients_language():
    people = [
        reader("Manon", "fr"),
        reader("Amira", "ar"),
        reader("Emma", ""),
        reader("", "fr", "nameless@example.org"),
    ]
    # The same email (same subject and context) for everyone: only the language differs, so a
    # rendering shared across languages would give every person the first one's.
    emails = [
        Email(
            key=f"digest:{n}",
            user=person,
            kind="manager_digest",
            subject="Subject",
            template="manager_digest",
            context={"people": [], "total": 2, "team_url": "/team/", "why": "Why."},
        )
        for n, person in enumerate(people)
    ]

    emails_send_once(emails=emails)

    assert sorted((m.to[0], m.body.split("\n\n")[:3]) for m in mail.outbox) == [
        (
            "amira@example.org",
            [
                "التدريب الإلزامي المتأخر لفريقك",
                "مرحبًا Amira،",
                "2 تدريبان إلزاميان مُسندان إلى أشخاص يتبعونك متأخران.",
            ],
        ),
        (
            "emma@example.org",
            [
                "Your team's overdue mandatory training",
                "Dear Emma,",
                "2 mandatory training items assigned to people who report to you are overdue.",
            ],
        ),
        (
            "manon@example.org",
            [
                "Formations obligatoires en retard dans votre équipe",
                "Bonjour Manon,",
                "2 formations obligatoires assignées à des personnes qui vous sont rattachées "
                "sont en retard.",
            ],
        ),
        (
            "nameless@example.org",
            [
                "Formations obligatoires en retard dans votre équipe",
                "Bonjour Madame, Monsieur,",
                "2 formations obligatoires assignées à des personnes qui vous sont rattachées "
                "sont en retard.",
            ],
        ),
    ]
    html = {m.to[0]: m.alternatives[0][0] for m in mail.outbox}
    assert html["amira@example.org"].split("\n")[1] == '<html lang="ar" dir="rtl">'
    assert html["manon@example.org"].split("\n")[1] == '<html lang="fr">'
    assert html["emma@example.org"].split("\n")[1] == '<html lang="en-GB">'
    assert [
        tree(html[address]).xpath("//footer//a/@href")[0]
        for address in ("amira@example.org", "emma@example.org", "manon@example.org")
    ] == [
        "http://127.0.0.1:8000/ar/notifications/preferences/",
        "http://127.0.0.1:8000/notifications/preferences/",
        "http://127.0.0.1:8000/fr/notifications/preferences/",
    ]


def test_the_notifications_page_reads_in_french(client, learner):
    notification_create(user=learner, kind="due_soon", title="Data basics", key="one")
    client.force_login(learner)

    html = client.get("/fr/notifications/").content

    assert heading(html) == "Notifications"
    # texts() reads words: the non-breaking space before the colon reads as none.
    assert texts(html, "//main//button") == [
        "Tout marquer comme lu",
        "Marquer comme lue: Data basics",
    ]
    assert texts(html, "//main//strong[contains(@class, 'govuk-tag')]") == ["Non lue"]
    assert texts(html, "//main//p/a") == ["Choisissez les e-mails que vous recevez"]


def test_the_preferences_page_reads_in_spanish(client, learner):
    client.force_login(learner)

    html = client.get("/es/notifications/preferences/").content

    assert heading(html) == "Preferencias de correo electrónico"
    assert texts(html, "//form//label") == [
        "Recordatorios de la formación opcional que se le ha asignado",
        "Un resumen semanal de la formación obligatoria vencida de su equipo",
    ]
    assert texts(html, "//main//form//button") == ["Guardar preferencias"]


def test_the_unsubscribe_pages_read_in_arabic(learner):
    token = unsubscribe_token(learner, "optional_reminders")
    client = Client()

    asked = client.get(f"/ar/notifications/unsubscribe/{token}/").content
    done = client.post(f"/ar/notifications/unsubscribe/{token}/").content
    broken = client.get("/ar/notifications/unsubscribe/not-a-token/").content

    assert tree(asked).xpath("/html/@dir") == ["rtl"]
    assert heading(asked) == "إيقاف هذه الرسائل"
    assert texts(asked, "//main//p") == [
        "التوقف عن إرسال التذكيرات بالتدريب الاختياري إليّ.",
        "سنواصل مراسلتك بشأن التدريب الإلزامي المُسند إليك.",
    ]
    assert heading(done) == "تم إلغاء اشتراكك"
    assert texts(done, "//div[@class='govuk-panel__body']") == [
        "لن نرسل إليك بعد الآن التذكيرات بالتدريب الاختياري."
    ]
    assert heading(broken) == "رابط إلغاء الاشتراك هذا لا يعمل"
