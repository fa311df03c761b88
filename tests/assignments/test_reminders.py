"""Reminders of assigned training: the right people on the right days, each email once,
preferences respected (never for mandatory training), the line managers' weekly digest, a
constant number of queries per batch, and one reminder through a real SMTP server."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from assignments.models import AssignedPerson, Assignment, Audience
from assignments.reminders import reminder_for, reminders_send
from assignments.services import end_of_day
from notifications.models import EmailSent, EmailStatus, Notification, ReminderSettings
from notifications.services import preferences_update
from tests.factories import make_person
from tests.notifications.backends import FAILING
from tests.peers.smtp_peer import smtp_peer

SHARED = ("training_lead",)

pytestmark = pytest.mark.django_db

# A Monday, the digest's default weekday.
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
DIGEST = "Your team's overdue mandatory training"


@pytest.fixture(scope="module", autouse=True)
def cast(shared):
    def build():
        root = Site.objects.get(is_default_site=True).root_page
        data = root.add_child(instance=Page(title="Data confidence", slug="data-confidence"))
        agile = root.add_child(instance=Page(title="Agile delivery", slug="agile-delivery"))
        lead = shared["training_lead"]

        def assignment(page, *, mandatory, **extra):
            return Assignment.objects.create(
                item=page,
                audience=Audience.EVERYONE,
                due_date=NOW.date(),
                mandatory=mandatory,
                reason="Everyone handles data." if mandatory else "Useful for your team.",
                created_by=lead,
                **extra,
            )

        mina = make_person(first_name="Mina", last_name="Manager", email="mina@example.org")
        omar = make_person(first_name="Omar", last_name="Other", email="omar@example.org")
        preferences_update(user=omar, manager_digest=False)

        def person(first, last, manager=None):
            return make_person(
                first_name=first,
                last_name=last,
                email=f"{first.lower()}@example.org",
                line_manager=manager,
            )

        return SimpleNamespace(
            data=data,
            mandatory=assignment(data, mandatory=True),
            optional=assignment(agile, mandatory=False),
            withdrawn=assignment(data, mandatory=True, withdrawn_at=NOW - 5 * DAY),
            mina=mina,
            omar=omar,
            alice=person("Alice", "Able", mina),
            bob=person("Bob", "Baker", mina),
            carol=person("Carol", "Cole"),
            dave=person("Dave", "Dunn", omar),
            crowd=[person(f"Crowd{n}", "Member") for n in range(9)],
        )

    return shared.build(build)


def assign(user, assignment, due_in_days, **extra):
    return AssignedPerson.objects.create(
        assignment=assignment,
        user=user,
        assigned_at=NOW - 30 * DAY,
        due_at=NOW + due_in_days * DAY,
        **extra,
    )


def sent():
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def run(now=NOW, **options) -> str:
    return str(reminders_send(now=now, **options))


def test_reminders_go_to_the_right_people_on_the_right_days(cast):
    alice = assign(cast.alice, cast.mandatory, 10)
    assign(cast.bob, cast.mandatory, 20)
    carol = assign(cast.carol, cast.mandatory, 2)
    dave = assign(cast.dave, cast.mandatory, -8)
    assign(cast.alice, cast.optional, -3, removed_at=NOW - DAY)
    assign(cast.bob, cast.optional, 1, completed_at=NOW - DAY)
    assign(cast.carol, cast.withdrawn, 1)
    leaver = make_person(first_name="Lee", last_name="Leaver")
    leaver.is_active = False
    leaver.save()
    assign(leaver, cast.mandatory, 1)

    counts = run()

    assert counts == (
        "New reminders: 2 due soon, 1 overdue. Emails sent: 3; not emailed by the person's "
        "choice: 0. Line manager digests sent: 0."
    )
    assert sent() == [
        ("alice@example.org", "Reminder: Data confidence is due in 10 days"),
        ("carol@example.org", "Reminder: Data confidence is due in 2 days"),
        ("dave@example.org", "Overdue: Data confidence was due 8 days ago"),
    ]
    keys = [f"due:{alice.pk}:1:14", f"due:{carol.pk}:1:3", f"overdue:{dave.pk}:1:1"]
    assert sorted(Notification.objects.values_list("key", "user__email", "url")) == sorted(
        [
            (keys[0], "alice@example.org", "/data-confidence/"),
            (keys[1], "carol@example.org", "/data-confidence/"),
            (keys[2], "dave@example.org", "/data-confidence/"),
        ]
    )
    assert sorted(EmailSent.objects.values_list("key", "status")) == sorted(
        (key, EmailStatus.SENT) for key in keys
    )


def test_a_second_run_sends_nothing_twice_and_later_days_send_the_next(cast):
    alice = assign(cast.alice, cast.mandatory, 10)
    carol = assign(cast.carol, cast.mandatory, 2)
    dave = assign(cast.dave, cast.mandatory, -8)
    run()
    first = sent()

    assert run() == (
        "New reminders: 0 due soon, 0 overdue. Emails sent: 0; not emailed by the person's "
        "choice: 0. Line manager digests sent: 0."
    )
    run(NOW + 2 * timedelta(hours=12))
    assert sent() == first

    run(NOW + 7 * DAY)

    assert sorted(set(sent()) - set(first)) == [
        ("alice@example.org", "Reminder: Data confidence is due in 3 days"),
        ("carol@example.org", "Overdue: Data confidence was due 5 days ago"),
        ("dave@example.org", "Overdue: Data confidence was due 15 days ago"),
    ]
    assert sorted(Notification.objects.values_list("key", flat=True)) == sorted(
        [
            f"due:{alice.pk}:1:14",
            f"due:{alice.pk}:1:3",
            f"due:{carol.pk}:1:3",
            f"overdue:{carol.pk}:1:0",
            f"overdue:{dave.pk}:1:1",
            f"overdue:{dave.pk}:1:2",
        ]
    )


def test_a_reminder_claimed_by_another_worker_or_a_crashed_run_is_not_sent_again(cast):
    alice = assign(cast.alice, cast.mandatory, 3)
    bob = assign(cast.bob, cast.mandatory, 3)
    # Another worker has claimed Alice's email and is sending it (or crashed before it could).
    EmailSent.objects.create(key=f"due:{alice.pk}:1:3", user=cast.alice, kind="due_soon")

    assert "Emails sent: 1;" in run()

    assert sent() == [("bob@example.org", "Reminder: Data confidence is due in 3 days")]
    assert sorted(EmailSent.objects.values_list("key", "status")) == [
        (f"due:{alice.pk}:1:3", EmailStatus.CLAIMED),
        (f"due:{bob.pk}:1:3", EmailStatus.SENT),
    ]


def test_a_reminder_day_missed_while_stopped_sends_only_the_nearest(cast):
    alice = assign(cast.alice, cast.mandatory, 1)

    run()

    assert sent() == [("alice@example.org", "Reminder: Data confidence is due tomorrow")]
    assert list(Notification.objects.values_list("key", flat=True)) == [f"due:{alice.pk}:1:3"]


def test_each_cycle_of_a_recurring_assignment_is_reminded_on_its_own(cast):
    old = assign(cast.alice, cast.mandatory, -400, completed_at=NOW - 390 * DAY)
    renewed = assign(cast.alice, cast.mandatory, 3, cycle=2, window_opens_at=NOW - 57 * DAY)

    run()

    assert sent() == [("alice@example.org", "Reminder: Data confidence is due in 3 days")]
    assert list(Notification.objects.values_list("key", flat=True)) == [f"due:{renewed.pk}:2:3"]
    assert old.pk != renewed.pk


def test_optional_reminders_respect_preferences_and_mandatory_ones_cannot_be_turned_off(cast):
    preferences_update(user=cast.alice, optional_reminders=False)
    assign(cast.alice, cast.optional, 3)
    assign(cast.alice, cast.mandatory, 3)
    bob_optional = assign(cast.bob, cast.optional, 10)
    assign(cast.bob, cast.mandatory, 10)

    assert run() == (
        "New reminders: 4 due soon, 0 overdue. Emails sent: 3; not emailed by the person's "
        "choice: 1. Line manager digests sent: 0."
    )
    assert sent() == [
        ("alice@example.org", "Reminder: Data confidence is due in 3 days"),
        ("bob@example.org", "Reminder: Agile delivery is due in 10 days"),
        ("bob@example.org", "Reminder: Data confidence is due in 10 days"),
    ]
    # Still told in the service.
    assert Notification.objects.filter(user=cast.alice).count() == 2
    by_subject = {message.subject: message for message in mail.outbox}
    optional = by_subject["Reminder: Agile delivery is due in 10 days"]
    mandatory = by_subject["Reminder: Data confidence is due in 10 days"]
    link = optional.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:8000/notifications/unsubscribe/")
    assert f"unsubscribe from reminders about optional training:\n{link}\n" in optional.body
    assert "unsubscribe" not in mandatory.body.lower()
    assert "List-Unsubscribe" not in mandatory.extra_headers

    # Bob follows the link (as his mail program does), then the next reminders fall due.
    path = link.removeprefix("http://127.0.0.1:8000")
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    # Even with everything switched off, mandatory training is still reminded.
    preferences_update(user=cast.bob, manager_digest=False)
    mail.outbox.clear()

    run(NOW + 8 * DAY)

    assert sent() == [
        ("alice@example.org", "Overdue: Data confidence was due 5 days ago"),
        ("bob@example.org", "Reminder: Data confidence is due in 2 days"),
    ]
    assert Notification.objects.filter(key=f"due:{bob_optional.pk}:1:3").exists()


def overdue_team(cast):
    assign(cast.alice, cast.mandatory, -8)
    assign(cast.bob, cast.mandatory, -2)
    assign(cast.bob, cast.optional, -2)
    assign(cast.carol, cast.mandatory, -2)
    assign(cast.dave, cast.mandatory, -2)


def digests():
    return [(m.to, m.body) for m in mail.outbox if m.subject == DIGEST]


def test_the_digest_goes_on_its_weekday_once_a_week_to_managers_who_want_it(cast):
    overdue_team(cast)

    assert run().endswith("Line manager digests sent: 1.")
    assert run().endswith("Line manager digests sent: 0.")

    [(to, body)] = digests()
    assert to == ["mina@example.org"]
    assert body.split("----")[0] == (
        "Your team's overdue mandatory training\n\n"
        "Dear Mina,\n\n"
        "2 mandatory training items assigned to people who report to you are overdue.\n\n"
        "Alice Able\n"
        "- Data confidence, due 29 November 2026\n\n"
        "Bob Baker\n"
        "- Data confidence, due 5 December 2026\n\n"
        "You could talk to them about finding time to complete it.\n\n"
        "See your team: http://127.0.0.1:8000/team/\n\n"
    )
    assert "unsubscribe from the weekly summary of your team's overdue training:\n" in body

    # Tuesday to Sunday: no digest; the next Monday: the next one.
    for day in range(1, 7):
        assert run(NOW + day * DAY).endswith("Line manager digests sent: 0.")
    assert run(NOW + 7 * DAY).endswith("Line manager digests sent: 1.")
    assert len(digests()) == 2


def test_the_digest_day_is_the_one_administrators_chose(cast):
    overdue_team(cast)
    reminder_settings = ReminderSettings.load()
    reminder_settings.digest_weekday = 2
    reminder_settings.save()

    assert run().endswith("Line manager digests sent: 0.")
    assert run(NOW + 2 * DAY).endswith("Line manager digests sent: 1.")
    assert [to for to, _ in digests()] == [["mina@example.org"]]


def test_the_reminder_days_are_the_ones_administrators_chose(cast):
    reminder_settings = ReminderSettings.load()
    reminder_settings.days_before_due = "5"
    reminder_settings.overdue_every_days = 0
    reminder_settings.save()
    assign(cast.alice, cast.mandatory, 10)
    assign(cast.bob, cast.mandatory, 4)
    assign(cast.carol, cast.mandatory, -30)

    run()

    assert sent() == [("bob@example.org", "Reminder: Data confidence is due in 4 days")]


def test_a_failed_send_is_recorded_and_not_sent_again(cast, settings):
    row = assign(cast.alice, cast.mandatory, 3)
    settings.EMAIL_BACKEND = FAILING

    assert "Emails sent: 0;" in run()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert "Emails sent: 0;" in run()

    assert mail.outbox == []
    assert list(EmailSent.objects.values_list("key", "status", "error")) == [
        (
            f"due:{row.pk}:1:3",
            EmailStatus.FAILED,
            "SMTPServerDisconnected: Connection unexpectedly closed",
        )
    ]


def queries_for(cast, rows: int, batch_size: int) -> int:
    """Queries of one run over `rows` people owed a reminder, undone afterwards."""
    with transaction.atomic():
        for person in cast.crowd[:rows]:
            assign(person, cast.mandatory, 3)
        with CaptureQueriesContext(connection) as queries:
            reminders_send(now=NOW, batch_size=batch_size)
        assert Notification.objects.count() == rows
        transaction.set_rollback(True)
    return len(queries.captured_queries)


def test_queries_are_constant_per_batch(cast):
    ReminderSettings.load()
    queries_for(cast, 1, 1000)  # the site's root paths are read once and cached

    one_batch = {rows: queries_for(cast, rows, 1000) for rows in (2, 9)}
    batches = [queries_for(cast, rows, 3) for rows in (3, 6, 9)]

    assert one_batch[2] == one_batch[9]
    assert batches[1] - batches[0] == batches[2] - batches[1] > 0


def test_the_command_prints_what_it_did(cast):
    assign(cast.alice, cast.mandatory, 3)
    out = StringIO()

    call_command("send_reminders", stdout=out)

    assert out.getvalue() == (
        "New reminders: 1 due soon, 0 overdue. Emails sent: 1; not emailed by the person's "
        "choice: 0. Line manager digests sent: 0.\n"
    )


def test_the_command_refuses_a_batch_size_below_one(cast):
    assign(cast.alice, cast.mandatory, 3)

    with pytest.raises(CommandError, match=r"^--batch-size must be at least 1\.$"):
        call_command("send_reminders", "--batch-size", "0")

    assert (mail.outbox, EmailSent.objects.count()) == ([], 0)


@pytest.fixture(scope="module")
def smtp_server():
    with smtp_peer() as peer:
        yield peer


def test_a_reminder_arrives_through_smtp_with_both_parts_and_working_links(
    cast, settings, smtp_server
):
    smtp_server.settings_for(settings)
    assign(cast.bob, cast.optional, 3)

    assert "Emails sent: 1;" in run()

    [(recipients, message)] = smtp_server.messages()
    assert recipients == ["bob@example.org"]
    assert message["Subject"] == "Reminder: Agile delivery is due in 3 days"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content()
    link = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Go to Agile delivery: http://127.0.0.1:8000/agile-delivery/\n" in text
    assert f"{link}\n" in text
    assert '<a href="http://127.0.0.1:8000/agile-delivery/"' in html
    assert f'<a href="{link}"' in html
    assert '<a href="http://127.0.0.1:8000/notifications/preferences/"' in html
    # The link works: it asks Bob to confirm.
    page = Client().get(link.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200


@pytest.mark.parametrize("hour", [0, 9, 23])
def test_days_left_are_counted_in_calendar_days_whatever_the_hour(hour):
    today = timezone.localdate()
    now = timezone.make_aware(datetime.combine(today, time(hour)))
    days = {
        offset: reminder_for(
            AssignedPerson(pk=1, cycle=1, due_at=end_of_day(today + timedelta(days=offset))),
            now=now,
            days_before=[14, 3],
            overdue_every=7,
        ).days
        for offset in (14, 10, 3, 1, 0, -1, -8)
    }

    assert days == {14: 14, 10: 10, 3: 3, 1: 1, 0: 0, -1: 1, -8: 8}
