"""Assigned training in French, Spanish and Arabic: each person's reminders and their line
manager's digest are written in the language that person chose (English when they chose none),
with links to that language's pages, and the assignment pages read in the language of their
address."""

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.models import Page, Site

from assignments.models import AssignedPerson, Assignment, Audience
from assignments.reminders import reminders_send
from assignments.services import assignment_create
from courses.services import enrolment_create
from notifications.models import Notification
from tests.factories import make_person
from tests.html import heading, table, texts, tree

SHARED = ("training_lead", "learner", "course", "department")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    """A request to a /fr/ or /ar/ address leaves its language active in this thread; the
    next module's tests expect the default."""
    yield
    translation.deactivate()


# A Monday, the digest's default weekday.
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SITE = "http://127.0.0.1:8000"
NBSP = "\u00a0"


@pytest.fixture(scope="module", autouse=True)
def cast(shared):
    def build():
        root = Site.objects.get(is_default_site=True).root_page
        page = root.add_child(instance=Page(title="Data confidence", slug="data-confidence"))
        lead = shared["training_lead"]

        def assignment(*, mandatory):
            return Assignment.objects.create(
                item=page,
                audience=Audience.EVERYONE,
                due_date=NOW.date(),
                mandatory=mandatory,
                reason="Everyone handles data.",
                created_by=lead,
            )

        def person(first, language, manager=None):
            someone = make_person(
                first_name=first,
                last_name="Reader",
                email=f"{first.lower()}@example.org",
                line_manager=manager,
            )
            someone.language = language
            someone.save(update_fields=["language"])
            return someone

        manon = person("Manon", "fr")
        return SimpleNamespace(
            mandatory=assignment(mandatory=True),
            optional=assignment(mandatory=False),
            manon=manon,
            amira=person("Amira", "ar"),
            elena=person("Elena", "es"),
            emma=person("Emma", ""),
            felix=person("Felix", "fr", manager=manon),
            crowd=[person(f"Crowd{n}", ("fr", "ar", "es")[n % 3]) for n in range(9)],
        )

    return shared.build(build)


def assign(user, assignment, due_in_days):
    return AssignedPerson.objects.create(
        assignment=assignment, user=user, assigned_at=NOW - 30 * DAY, due_at=NOW + due_in_days * DAY
    )


def message_to(address):
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


def links(html: str) -> list[str]:
    return [a.get("href") for a in tree(html).xpath("//a")]


def paragraphs(html: str) -> list[str]:
    """The email's paragraphs as written, non-breaking spaces kept (French typography); a
    line break (<br>) joins its two lines."""
    return [
        " ".join(re.split(r"[ \n\t]+", p.text_content().strip()))
        for p in tree(html).xpath("//main/p")
    ]


def test_a_french_learner_gets_their_reminder_in_french_with_links_to_french_pages(cast):
    assign(cast.manon, cast.optional, 3)

    reminders_send(now=NOW)

    message = message_to("manon@example.org")
    [(html, _)] = message.alternatives
    unsubscribe = str(message.extra_headers["List-Unsubscribe"]).strip("<>")
    assert unsubscribe.startswith(f"{SITE}/fr/notifications/unsubscribe/")
    assert message.subject == f"Rappel{NBSP}: Data confidence est à terminer dans 3 jours"
    assert message.body == (
        "Data confidence est à terminer dans 3 jours\n"
        "\n"
        "Bonjour Manon,\n"
        "\n"
        "Merci de terminer cette formation au plus tard le 10 décembre 2026.\n"
        "\n"
        "Data confidence\n"
        "Formation facultative, à terminer au plus tard le 10 décembre 2026.\n"
        f"Motif{NBSP}: Everyone handles data.\n"
        "\n"
        f"Accéder à Data confidence{NBSP}: {SITE}/fr/data-confidence/\n"
        "\n"
        "----\n"
        "Vous recevez cet e-mail parce que cette formation vous a été assignée.\n"
        "Si vous ne souhaitez plus recevoir ces e-mails, désabonnez-vous des rappels concernant "
        f"les formations facultatives{NBSP}:\n"
        f"{unsubscribe}\n"
        f"Choisissez les e-mails que vous recevez{NBSP}: {SITE}/fr/notifications/preferences/\n"
        f"Demo City Government (synthetic). Questions{NBSP}: digital-academy@example.org\n"
    )
    assert html.startswith('<!DOCTYPE html>\n<html lang="fr">\n')
    assert heading(html) == "Data confidence est à terminer dans 3 jours"
    assert paragraphs(html) == [
        "Bonjour Manon,",
        "Merci de terminer cette formation au plus tard le 10 décembre 2026.",
        "Data confidenceFormation facultative, à terminer au plus tard le 10 décembre 2026.",
        f"Motif{NBSP}: Everyone handles data.",
        "Accéder à Data confidence",
        f"Ou copiez ce lien dans votre navigateur{NBSP}: {SITE}/fr/data-confidence/",
    ]
    assert links(html) == [
        f"{SITE}/fr/data-confidence/",
        unsubscribe,
        f"{SITE}/fr/notifications/preferences/",
        "mailto:digital-academy@example.org",
    ]
    # The notification in the service is French too.
    assert list(Notification.objects.values_list("user__email", "title", "body")) == [
        (
            "manon@example.org",
            f"Rappel{NBSP}: Data confidence est à terminer dans 3 jours",
            "Merci de terminer cette formation au plus tard le 10 décembre 2026.",
        )
    ]


def test_an_arabic_learner_gets_a_right_to_left_email_with_the_title_kept_whole(cast):
    assign(cast.amira, cast.mandatory, -8)

    reminders_send(now=NOW)

    message = message_to("amira@example.org")
    [(html, _)] = message.alternatives
    title = "\u2068Data confidence\u2069"
    assert message.subject == f"متأخر: كان موعد استحقاق {title} قبل 8 أيام"
    assert html.startswith('<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n')
    assert heading(html) == f"انقضى موعد استحقاق {title}"
    assert paragraphs(html) == [
        "مرحبًا Amira،",
        "كان موعد استحقاق هذا التدريب قبل 8 أيام. يُرجى إكماله في أقرب وقت ممكن.",
        "Data confidenceتدريب إلزامي، تاريخ الاستحقاق 29 نوفمبر 2026.",
        "السبب: Everyone handles data.",
        "الانتقال إلى Data confidence",
        f"أو انسخ هذا الرابط في متصفحك: {SITE}/ar/data-confidence/",
    ]
    assert links(html) == [
        f"{SITE}/ar/data-confidence/",
        f"{SITE}/ar/notifications/preferences/",
        "mailto:digital-academy@example.org",
    ]


def test_people_with_different_languages_in_one_batch_each_read_their_own(cast):
    for person in (cast.manon, cast.amira, cast.elena, cast.emma):
        assign(person, cast.mandatory, 1)

    reminders_send(now=NOW)

    assert sorted((m.to[0], m.subject, m.body.split("\n")[2]) for m in mail.outbox) == [
        (
            "amira@example.org",
            "تذكير: موعد استحقاق \u2068Data confidence\u2069 غدًا",
            "مرحبًا Amira،",
        ),
        ("elena@example.org", "Recordatorio: Data confidence vence mañana", "Hola, Elena:"),
        ("emma@example.org", "Reminder: Data confidence is due tomorrow", "Dear Emma,"),
        (
            "manon@example.org",
            f"Rappel{NBSP}: Data confidence est à terminer demain",
            "Bonjour Manon,",
        ),
    ]
    assert sorted((m.to[0], links(m.alternatives[0][0])[0]) for m in mail.outbox) == [
        ("amira@example.org", f"{SITE}/ar/data-confidence/"),
        ("elena@example.org", f"{SITE}/es/data-confidence/"),
        ("emma@example.org", f"{SITE}/data-confidence/"),
        ("manon@example.org", f"{SITE}/fr/data-confidence/"),
    ]


def test_a_french_line_manager_gets_the_weekly_digest_in_french(cast):
    assign(cast.felix, cast.mandatory, -3)

    reminders_send(now=NOW)

    message = message_to("manon@example.org")
    [(html, _)] = message.alternatives
    assert message.subject == "Formations obligatoires en retard dans votre équipe"
    assert html.startswith('<!DOCTYPE html>\n<html lang="fr">\n')
    assert texts(html, "//main/p | //main/h2 | //main//li") == [
        "Bonjour Manon,",
        "1 formation obligatoire assignée à des personnes qui vous sont rattachées est en retard.",
        "Felix Reader",
        "Data confidence, date limite le 4 décembre 2026",
        "Vous pourriez en parler avec elles pour trouver le temps de la terminer.",
        "Voir votre équipe",
    ]
    assert f"{SITE}/fr/team/" in links(html)


def queries_for(cast, rows: int, batch_size: int) -> int:
    """Queries of one run over `rows` people of three languages, undone afterwards."""
    with transaction.atomic():
        for person in cast.crowd[:rows]:
            assign(person, cast.mandatory, 3)
        with CaptureQueriesContext(connection) as queries:
            reminders_send(now=NOW, batch_size=batch_size)
        assert len(mail.outbox) == rows
        mail.outbox.clear()
        transaction.set_rollback(True)
    return len(queries.captured_queries)


def test_writing_in_several_languages_keeps_the_queries_constant_per_batch(cast):
    queries_for(cast, 1, 1000)  # the site's root paths are read once and cached

    one_batch = {rows: queries_for(cast, rows, 1000) for rows in (3, 9)}
    batches = [queries_for(cast, rows, 3) for rows in (3, 6, 9)]

    assert one_batch[3] == one_batch[9]
    assert batches[1] - batches[0] == batches[2] - batches[1] > 0


# -- The pages ---------------------------------------------------------------------------------


def test_the_assignment_list_and_page_read_in_french(client, training_lead, course, learner):
    assignment = assignment_create(
        by=training_lead,
        item=course,
        audience=Audience.PERSON,
        person=learner,
        due_date=timezone.localdate() + timedelta(days=30),
        reason="Everyone handles personal data.",
    )
    client.force_login(training_lead)

    listing = client.get("/fr/assignments/").content
    detail = client.get(f"/fr/assignments/{assignment.pk}/").content

    assert heading(listing) == "Formations assignées"
    assert table(listing)[0] == [
        "Cours ou parcours",
        "Qui",
        "Date limite",
        "Obligatoire",
        "Pas commencé",
        "En cours",
        "En retard",
        "Terminé",
    ]
    assert table(detail)[0] == ["Statut", "Personnes"]
    assert [row[0] for row in table(detail)[1:]] == [
        "Pas commencé",
        "En cours",
        "En retard",
        "Terminé dans les délais",
        "Terminé en retard",
        "Expiré",
        "Total",
    ]
    assert texts(detail, "//dt") == [
        "Cours ou parcours",
        "Qui",
        "Date limite",
        "Obligatoire",
        "À renouveler",
        "Motif",
        "Assignée le",
    ]


def test_the_assignment_page_reads_in_arabic(client, training_lead, course, learner):
    assignment = assignment_create(
        by=training_lead,
        item=course,
        audience=Audience.EVERYONE,
        due_date=timezone.localdate() + timedelta(days=30),
        reason="Everyone handles personal data.",
        recurs_months=12,
    )
    client.force_login(training_lead)

    detail = client.get(f"/ar/assignments/{assignment.pk}/").content

    assert texts(detail, "//dt") == [
        "الدورة أو المسار التدريبي",
        "المعنيّون",
        "تاريخ الاستحقاق",
        "إلزامي",
        "يُستحق مجددًا",
        "السبب",
        "تاريخ الإسناد",
    ]
    assert [row[0] for row in table(detail)] == [
        "الحالة",
        "لم يبدأ",
        "قيد التنفيذ",
        "متأخر",
        "مكتمل في الموعد",
        "مكتمل متأخرًا",
        "منتهي الصلاحية",
        "المجموع",
    ]
    assert texts(detail, "//dd")[1:5] == [
        "الجميع",
        texts(detail, "//dd")[2],
        "لا",
        "كل 12 شهرًا؛ ويُحتسب الإكمال ابتداءً من 60 يومًا قبل كل تاريخ استحقاق",
    ]


def test_the_learners_assigned_work_reads_in_french_and_arabic(
    client, training_lead, learner, course
):
    due = timezone.localdate() + timedelta(days=30)
    assignment_create(
        by=training_lead,
        item=course,
        audience=Audience.PERSON,
        person=learner,
        due_date=due,
        reason="Everyone handles personal data.",
        mandatory=True,
    )
    enrolment_create(user=learner, course=course)
    client.force_login(learner)

    french = client.get("/fr/learning/").content
    arabic = client.get("/ar/learning/").content

    with translation.override("fr"):
        due_fr = date_format(due, "j F Y")
    with translation.override("ar"):
        due_ar = date_format(due, "j F Y")
    assert texts(french, "//h2[@id='assigned-to-you']") == ["Formations qui vous sont assignées"]
    assert texts(french, "//li[starts-with(@id, 'assigned-')]") == [
        f"Data basics En cours Obligatoire, date limite le {due_fr}. "
        "Everyone handles personal data."
    ]
    assert texts(arabic, "//h2[@id='assigned-to-you']") == ["التدريب المُسند إليك"]
    assert texts(arabic, "//li[starts-with(@id, 'assigned-')]") == [
        f"Data basics قيد التنفيذ إلزامي، تاريخ الاستحقاق {due_ar}. Everyone handles personal data."
    ]
