"""Notification services: idempotent notifications, emails claimed and sent at most once,
preferences and signed unsubscribe links."""

import time
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from notifications.models import (
    EmailSent,
    EmailStatus,
    Notification,
    NotificationPreferences,
    ReminderSettings,
    days_list,
)
from notifications.selectors import notifications_for, preferences_for, unread_count
from notifications.services import (
    UNSUBSCRIBE_LINK_DAYS,
    UNSUBSCRIBE_SALT,
    Email,
    UnsubscribeLinkInvalid,
    email_send_once,
    emails_send_once,
    notification_create,
    notifications_mark_read,
    preferences_unsubscribe,
    preferences_update,
    unsubscribe_read,
    unsubscribe_token,
    unsubscribe_url,
)
from tests.factories import make_person
from tests.notifications.backends import FAILING

SHARED = ("learner", "training_lead")

CONTEXT = {
    "headline": "Data confidence is due in 3 days",
    "message": "Please complete this training by 9 December 2026.",
    "item_title": "Data confidence",
    "item_url": "http://127.0.0.1:8000/data-confidence/",
    "due_at": datetime(2026, 12, 9, 17, 0, tzinfo=UTC),
    "mandatory": True,
    "reason": "Everyone handles data.",
    "why": "You are getting this email because this training was assigned to you.",
}


def send(user, key="due:1:1:3", **overrides):
    arguments = {
        "key": key,
        "user": user,
        "kind": "due_soon",
        "subject": "Reminder: Data confidence is due in 3 days",
        "template": "reminder",
        "context": CONTEXT,
        **overrides,
    }
    return email_send_once(**arguments)


def claims():
    return list(EmailSent.objects.order_by("key").values_list("key", "status", "error"))


def test_notification_create_makes_one_notification_per_key(learner):
    first = notification_create(
        user=learner, kind="due_soon", title="Data confidence is due", key="due:1:1:3"
    )
    again = notification_create(
        user=learner, kind="due_soon", title="A second title", body="ignored", key="due:1:1:3"
    )

    assert again == first
    assert list(Notification.objects.values_list("key", "title", "body")) == [
        ("due:1:1:3", "Data confidence is due", "")
    ]


def test_notifications_mark_read_marks_only_the_persons_own(learner, training_lead):
    mine = [
        notification_create(user=learner, kind="k", title=f"Mine {n}", key=f"mine:{n}")
        for n in range(3)
    ]
    theirs = notification_create(user=training_lead, kind="k", title="Theirs", key="theirs")

    assert notifications_mark_read(user=learner, ids=[mine[0].pk, theirs.pk]) == 1
    assert notifications_mark_read(user=learner, ids=[mine[0].pk]) == 0
    assert [n.title for n in notifications_for(learner)] == ["Mine 2", "Mine 1", "Mine 0"]
    assert (unread_count(learner), unread_count(training_lead)) == (2, 1)

    assert notifications_mark_read(user=learner) == 2
    assert (unread_count(learner), unread_count(training_lead)) == (0, 1)


def test_email_send_once_sends_text_and_html_once_and_records_it(learner):
    assert send(learner) is True
    assert send(learner) is False

    [message] = mail.outbox
    assert (message.subject, message.to) == (
        "Reminder: Data confidence is due in 3 days",
        [learner.email],
    )
    assert message.body == (
        "Data confidence is due in 3 days\n\n"
        "Dear Test,\n\n"
        "Please complete this training by 9 December 2026.\n\n"
        "Data confidence\n"
        "Mandatory training, due by 9 December 2026.\n"
        "Why: Everyone handles data.\n\n"
        "Go to Data confidence: http://127.0.0.1:8000/data-confidence/\n\n"
        "----\n"
        "You are getting this email because this training was assigned to you.\n"
        "Choose which emails you get: http://127.0.0.1:8000/notifications/preferences/\n"
        "Demo City Government (synthetic). Questions: digital-academy@example.org\n"
    )
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert "<title>Reminder: Data confidence is due in 3 days</title>" in html
    assert '<a href="http://127.0.0.1:8000/data-confidence/"' in html
    # Mandatory training: no way to switch it off.
    assert "unsubscribe" not in html.lower()
    assert "List-Unsubscribe" not in message.extra_headers
    [(key, status, error)] = claims()
    assert (key, status, error) == ("due:1:1:3", EmailStatus.SENT, "")
    assert EmailSent.objects.get().sent_at is not None


def test_a_key_claimed_by_another_sender_sends_nothing(learner):
    # Another worker claimed the key a moment ago and is still sending.
    EmailSent.objects.create(key="due:1:1:3", user=learner, kind="due_soon")

    assert send(learner) is False
    assert mail.outbox == []
    assert claims() == [("due:1:1:3", EmailStatus.CLAIMED, "")]


def test_a_failed_send_is_recorded_and_never_retried(learner, settings):
    settings.EMAIL_BACKEND = FAILING

    assert send(learner) is False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send(learner) is False

    assert mail.outbox == []
    assert claims() == [
        (
            "due:1:1:3",
            EmailStatus.FAILED,
            "SMTPServerDisconnected: Connection unexpectedly closed",
        )
    ]


def test_a_template_that_cannot_render_fails_only_its_own_email(learner):
    sent = emails_send_once(
        emails=[
            Email(key="a", user=learner, kind="k", subject="A", template="reminder"),
            Email(key="b", user=learner, kind="k", subject="B", template="missing"),
        ]
    )

    assert sent == ["a"]
    assert [m.subject for m in mail.outbox] == ["A"]
    assert claims() == [
        ("a", EmailStatus.SENT, ""),
        ("b", EmailStatus.FAILED, "TemplateDoesNotExist: notifications/email/missing.txt"),
    ]


def batch(user, keys):
    return [
        Email(key=key, user=user, kind="due_soon", subject=key, template="reminder") for key in keys
    ]


def test_emails_send_once_skips_keys_already_claimed_and_keys_given_twice(learner):
    EmailSent.objects.create(key="b", user=learner, kind="due_soon")

    sent = emails_send_once(emails=batch(learner, ["a", "b", "c", "a"]))

    assert sorted(sent) == ["a", "c"]
    assert sorted(m.subject for m in mail.outbox) == ["a", "c"]
    assert emails_send_once(emails=batch(learner, ["a", "b", "c"])) == []
    assert len(mail.outbox) == 2


def test_emails_send_once_costs_the_same_queries_for_3_or_30_emails(learner):
    with CaptureQueriesContext(connection) as few:
        emails_send_once(emails=batch(learner, [f"few:{n}" for n in range(3)]))
    with CaptureQueriesContext(connection) as many:
        emails_send_once(emails=batch(learner, [f"many:{n}" for n in range(30)]))

    assert len(mail.outbox) == 33
    assert len(many.captured_queries) == len(few.captured_queries)


def test_unsubscribe_links_name_the_person_and_the_preference(learner):
    url = unsubscribe_url(learner, "optional_reminders")
    token = unsubscribe_token(learner, "optional_reminders")

    assert url == f"http://127.0.0.1:8000/notifications/unsubscribe/{token}/"
    assert unsubscribe_read(token) == (learner, "optional_reminders")
    assert unsubscribe_read(unsubscribe_token(learner, "manager_digest")) == (
        learner,
        "manager_digest",
    )


def test_mandatory_reminders_have_no_unsubscribe_link(learner):
    with pytest.raises(ValueError, match="'mandatory' cannot be switched off from an email"):
        unsubscribe_token(learner, "mandatory")
    forged = signing.dumps([learner.pk, "mandatory"], salt=UNSUBSCRIBE_SALT, compress=True)
    with pytest.raises(UnsubscribeLinkInvalid, match="unknown preference 'mandatory'"):
        unsubscribe_read(forged)


class SignerOfLongAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - (UNSUBSCRIBE_LINK_DAYS + 1) * 24 * 3600)


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(
            lambda user: unsubscribe_token(user, "manager_digest")[:-2] + "xx", id="altered"
        ),
        pytest.param(lambda user: "not-a-token", id="garbage"),
        pytest.param(
            lambda user: signing.dumps([user.pk, "manager_digest"], salt="another.salt"),
            id="other-salt",
        ),
        pytest.param(
            lambda user: SignerOfLongAgo(salt=UNSUBSCRIBE_SALT).sign_object(
                [user.pk, "manager_digest"], compress=True
            ),
            id="expired",
        ),
        pytest.param(
            lambda user: signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT), id="wrong-shape"
        ),
    ],
)
def test_bad_unsubscribe_tokens_change_nothing(learner, make_token):
    with pytest.raises(UnsubscribeLinkInvalid):
        preferences_unsubscribe(token=make_token(learner))

    assert NotificationPreferences.objects.count() == 0


def test_an_unsubscribe_link_of_a_deleted_account_is_invalid(db):
    gone = make_person()
    token = unsubscribe_token(gone, "manager_digest")
    gone.delete()

    with pytest.raises(UnsubscribeLinkInvalid, match="the account no longer exists"):
        unsubscribe_read(token)


def test_unsubscribing_switches_off_only_what_the_link_names(learner):
    token = unsubscribe_token(learner, "optional_reminders")

    assert preferences_unsubscribe(token=token) == (learner, "optional_reminders")
    assert preferences_unsubscribe(token=token) == (learner, "optional_reminders")

    preferences = preferences_for(learner)
    assert (preferences.optional_reminders, preferences.manager_digest) == (False, True)


def test_preferences_default_to_everything_on_and_save_what_is_given(learner):
    assert (preferences_for(learner).optional_reminders, preferences_for(learner).pk) == (
        True,
        None,
    )

    preferences_update(user=learner, manager_digest=False)
    preferences_update(user=learner, optional_reminders=False)
    preferences_update(user=learner, optional_reminders=True)

    saved = preferences_for(learner)
    assert (saved.optional_reminders, saved.manager_digest) == (True, False)
    assert NotificationPreferences.objects.count() == 1


def test_reminder_days_are_read_from_a_comma_separated_list(db):
    assert days_list("14, 3,14,,") == [14, 3]
    assert days_list("") == []
    for bad in ["14;3", "-1", "0", "two", "366"]:
        with pytest.raises(ValidationError) as raised:
            days_list(bad)
        assert raised.value.messages == [
            "Enter whole numbers of days from 1 to 365, separated by commas, like 14,3"
        ]

    reminder_settings = ReminderSettings(days_before_due="7,x")
    with pytest.raises(ValidationError) as raised:
        reminder_settings.full_clean()
    assert list(raised.value.message_dict) == ["days_before_due"]
    assert reminder_settings.reminder_days == []


def test_a_batch_renders_once_and_each_person_reads_their_own_name_and_link(learner):
    """Everyone sent the same email in a batch shares one rendering: each still gets their
    own name (escaped in HTML, "colleague" when there is none) and their own link, exactly as
    rendering the email for them alone gives."""
    names = ["Zoë", "O'Brien <b>", ""]
    people = [make_person(first_name=name) for name in names]
    optional = {**CONTEXT, "mandatory": False, "unsubscribe_what": "reminders"}
    emails = [
        Email(
            key=f"due:{n}",
            user=person,
            kind="due_soon",
            subject="Reminder: Data confidence is due in 3 days",
            template="reminder",
            context={**optional, "unsubscribe_url": unsubscribe_url(person, "optional_reminders")},
        )
        for n, person in enumerate(people)
    ]

    emails_send_once(emails=emails)

    alone = {}
    for email in emails:
        context = {
            "service_name": settings.SERVICE_NAME,
            "organisation_name": settings.ORGANISATION_NAME,
            "support_email": settings.SUPPORT_EMAIL,
            "site_url": settings.SITE_URL,
            "preferences_url": "http://127.0.0.1:8000/notifications/preferences/",
            "subject": email.subject,
            "user": email.user,
            **email.context,
        }
        alone[email.user.email] = (
            render_to_string("notifications/email/reminder.txt", context),
            render_to_string("notifications/email/reminder.html", context),
        )
    assert {m.to[0]: (m.body, m.alternatives[0][0]) for m in mail.outbox} == alone
    assert "Dear O&#x27;Brien &lt;b&gt;," in alone[people[1].email][1]
    assert "Dear colleague," in alone[people[2].email][0]
