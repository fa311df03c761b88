"""Administrators set when reminders go out, in the CMS; nobody else may."""

from notifications.models import ReminderSettings
from tests.html import texts

SHARED = ("administrator", "training_lead")


def edit(client, person, data):
    client.force_login(person)
    settings = ReminderSettings.load()
    return client.post(f"/cms/settings/notifications/remindersettings/{settings.pk}/", data)


def saved() -> tuple[str, int, int]:
    settings = ReminderSettings.load()
    return settings.days_before_due, settings.overdue_every_days, settings.digest_weekday


def test_an_administrator_sets_the_reminder_days(client, administrator):
    response = edit(
        client,
        administrator,
        {"days_before_due": "21, 7,1", "overdue_every_days": "3", "digest_weekday": "4"},
    )

    assert response.status_code == 302
    assert saved() == ("21, 7,1", 3, 4)
    assert ReminderSettings.load().reminder_days == [21, 7, 1]


def test_bad_reminder_days_are_refused_with_a_message_and_nothing_saved(client, administrator):
    response = edit(
        client,
        administrator,
        {"days_before_due": "14;3", "overdue_every_days": "-1", "digest_weekday": "6"},
    )

    assert response.status_code == 200
    assert texts(response.content, "//*[@id='panel-child-days_before_due-errors']//p") == [
        "Enter whole numbers of days from 1 to 365, separated by commas, like 14,3"
    ]
    assert saved() == ("14,3", 7, 0)


def test_a_training_lead_cannot_change_the_reminder_settings(client, training_lead):
    response = edit(
        client,
        training_lead,
        {"days_before_due": "1", "overdue_every_days": "1", "digest_weekday": "1"},
    )

    # The CMS sends people without the permission back to its dashboard.
    assert (response.status_code, response["Location"]) == (302, "/cms/")
    assert saved() == ("14,3", 7, 0)
