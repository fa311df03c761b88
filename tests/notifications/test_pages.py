"""Notification pages: the list with its read buttons, preferences, the one-click unsubscribe
link, and the unread count in the header."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification, NotificationPreferences
from notifications.selectors import preferences_for
from notifications.services import notification_create, unsubscribe_token
from tests.html import heading, texts, tree

SHARED = ("learner", "training_lead")


def notify(user, title, *, read=False, url=""):
    notification = notification_create(
        user=user, kind="due_soon", title=title, body=f"About {title}", url=url, key=title
    )
    if read:
        Notification.objects.filter(pk=notification.pk).update(
            read_at=datetime(2026, 12, 1, tzinfo=UTC)
        )
    return notification


def header_link(html) -> list[str]:
    return texts(html, "//ul[@id='account-navigation']/li[1]/a")


def test_the_list_shows_unread_first_with_a_button_for_each_and_for_all(
    client, learner, training_lead
):
    notify(learner, "Older unread")
    notify(learner, "Read one", read=True)
    notify(learner, "Newest unread", url="/data-confidence/")
    notify(training_lead, "Not mine")
    client.force_login(learner)

    response = client.get("/notifications/")

    assert response.status_code == 200
    assert heading(response.content) == "Notifications"
    assert texts(response.content, "//h2[@class='govuk-summary-card__title']") == [
        "Unread Newest unread",
        "Unread Older unread",
        "Read one",
    ]
    assert texts(response.content, "//main//button") == [
        "Mark all as read",
        "Mark as read: Newest unread",
        "Mark as read: Older unread",
    ]
    assert tree(response.content).xpath("//h2//a/@href") == ["/data-confidence/"]
    assert header_link(response.content) == ["Notifications (2 unread)"]


def test_marking_one_read_post_only_and_only_ones_own(client, learner, training_lead):
    mine = notify(learner, "Mine")
    theirs = notify(training_lead, "Theirs")
    client.force_login(learner)

    assert client.get(f"/notifications/{mine.pk}/read/").status_code == 405
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    response = client.post(f"/notifications/{mine.pk}/read/", follow=True)

    assert response.redirect_chain == [("/notifications/", 302)]
    assert texts(response.content, "//div[contains(@class, 'govuk-notification-banner')]//p") == [
        "Notification marked as read."
    ]
    assert header_link(response.content) == ["Notifications (0 unread)"]
    assert Notification.objects.filter(read_at__isnull=True).get() == theirs
    # Already read: nothing left to mark.
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 404


def test_marking_all_read(client, learner, training_lead):
    for title in ["One", "Two"]:
        notify(learner, title)
    theirs = notify(training_lead, "Theirs")
    client.force_login(learner)

    response = client.post("/notifications/read/", follow=True)

    assert texts(response.content, "//div[contains(@class, 'govuk-notification-banner')]//p") == [
        "2 notifications marked as read."
    ]
    assert texts(response.content, "//main//button") == []
    assert Notification.objects.filter(read_at__isnull=True).get() == theirs


def test_an_empty_list_says_so(client, learner):
    client.force_login(learner)

    response = client.get("/notifications/")

    assert texts(response.content, "//main//p[@class='govuk-body']") == [
        "You have no notifications.",
        "Choose which emails you get",
    ]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/notifications/"),
        ("post", "/notifications/read/"),
        ("post", "/notifications/1/read/"),
        ("get", "/notifications/preferences/"),
    ],
)
def test_signed_out_people_are_sent_to_sign_in(client, method, path):
    response = getattr(client, method)(path)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next={path}",
    )


def test_preferences_show_the_choices_and_save_them(client, learner):
    client.force_login(learner)

    page = client.get("/notifications/preferences/")
    assert heading(page.content) == "Email preferences"
    assert tree(page.content).xpath("//input[@type='checkbox' and @checked]/@name") == [
        "optional_reminders",
        "manager_digest",
    ]
    assert texts(page.content, "//label") == [
        "Reminders about optional training assigned to you",
        "A weekly summary of your team's overdue mandatory training",
    ]

    response = client.post("/notifications/preferences/", {"manager_digest": "on"}, follow=True)

    assert response.redirect_chain == [("/notifications/preferences/", 302)]
    assert tree(response.content).xpath("//input[@type='checkbox' and @checked]/@name") == [
        "manager_digest"
    ]
    saved = preferences_for(learner)
    assert (saved.optional_reminders, saved.manager_digest) == (False, True)


def test_unsubscribe_asks_first_then_switches_off_without_signing_in(learner):
    token = unsubscribe_token(learner, "optional_reminders")
    # Mail programs post the one-click link without a session or a form token.
    client = Client(enforce_csrf_checks=True)

    page = client.get(f"/notifications/unsubscribe/{token}/")
    assert page.status_code == 200
    assert heading(page.content) == "Stop these emails"
    assert texts(page.content, "//main//button") == ["Unsubscribe"]
    assert NotificationPreferences.objects.count() == 0

    done = client.post(f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})

    assert done.status_code == 200
    assert heading(done.content) == "You are unsubscribed"
    assert texts(done.content, "//div[@class='govuk-panel__body']") == [
        "We will no longer email you reminders about optional training."
    ]
    saved = preferences_for(learner)
    assert (saved.optional_reminders, saved.manager_digest) == (False, True)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("token", ["nonsense", "x" * 300])
def test_a_bad_unsubscribe_link_answers_400_with_a_clear_page(client, learner, method, token):
    response = getattr(client, method)(f"/notifications/unsubscribe/{token}/")

    assert response.status_code == 400
    assert heading(response.content) == "This unsubscribe link does not work"
    assert texts(response.content, "//main//p[@class='govuk-body'][1]") == [
        "The link may have expired, or it was not copied in full. Links in our emails work for "
        "6 months."
    ]
    assert NotificationPreferences.objects.count() == 0


def test_an_altered_unsubscribe_link_changes_nothing(client, learner):
    token = unsubscribe_token(learner, "manager_digest")

    # One character of the signature changed: not the last, whose low bits base64 ignores.
    spot = len(token) - 5
    altered = token[:spot] + ("B" if token[spot] == "A" else "A") + token[spot + 1 :]

    response = client.post(f"/notifications/unsubscribe/{altered}/")

    assert response.status_code == 400
    assert NotificationPreferences.objects.count() == 0


def notification_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "notifications_notification" in q["sql"]]


def test_the_header_counts_unread_in_one_query_and_not_for_visitors(client, learner):
    for n in range(3):
        notify(learner, f"Unread {n}")
    notify(learner, "Read", read=True)

    with CaptureQueriesContext(connection) as anonymous:
        visitor_page = client.get("/privacy/")
    client.force_login(learner)
    with CaptureQueriesContext(connection) as signed_in:
        page = client.get("/privacy/")

    assert header_link(visitor_page.content) == ["Sign in"]
    assert notification_queries(anonymous.captured_queries) == []
    assert header_link(page.content) == ["Notifications (3 unread)"]
    assert len(notification_queries(signed_in.captured_queries)) == 1
    assert texts(page.content, "//ul[@id='account-navigation']/li[1]//span") == ["unread"]


def test_the_list_costs_the_same_queries_for_2_or_20_notifications(client, learner):
    client.force_login(learner)
    client.get("/notifications/")

    def queries(count):
        for n in range(count):
            notify(learner, f"Batch {count} notification {n}", read=n % 2 == 0)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/notifications/")
        Notification.objects.filter(user=learner).delete()
        cards = texts(response.content, "//h2[@class='govuk-summary-card__title']")
        return len(captured.captured_queries), len(cards)

    few, many = queries(2), queries(20)

    assert (few[1], many[1]) == (2, 20)
    assert few[0] == many[0]
