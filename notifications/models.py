"""Notifications in the service, the emails sent (each at most once), and each person's
choices about them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class Notification(models.Model):
    """A message shown in the service, unread until the person marks it read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The event it tells of: the same event never makes two notifications.
    key = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class EmailStatus(models.TextChoices):
    CLAIMED = "claimed", pgettext_lazy("an email's status", "Claimed")
    SENT = "sent", pgettext_lazy("an email's status", "Sent")
    FAILED = "failed", pgettext_lazy("an email's status", "Failed")


class EmailSent(models.Model):
    """An email claimed by its key before it is sent: a second worker, or a run after a crash,
    finds the key and sends nothing."""

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.CLAIMED
    )
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The run that inserted the row: a batch claims many keys with one insert that skips taken
    # ones, then reads back which rows carry its own token, i.e. which emails are its to send.
    claim = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return self.key


class NotificationPreferences(models.Model):
    """What a person has chosen to be sent. Reminders of mandatory training cannot be turned
    off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    optional_reminders = models.BooleanField(
        default=True, help_text=_("Email reminders about optional assigned training.")
    )
    manager_digest = models.BooleanField(
        default=True, help_text=_("A weekly email of your team's overdue mandatory training.")
    )

    def __str__(self) -> str:
        return f"Preferences of {self.user_id}"


def days_list(value: str) -> list[int]:
    """The whole numbers in a comma-separated list, largest first, each once."""
    days = set()
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 0 < int(part) <= 365:
            raise ValidationError(
                _("Enter whole numbers of days from 1 to 365, separated by commas, like 14,3"),
                code="invalid",
            )
        days.add(int(part))
    return sorted(days, reverse=True)


def validate_days_list(value: str) -> None:
    days_list(value)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


@register_setting(icon="mail")
class ReminderSettings(BaseGenericSetting):
    """When reminders go out, as administrators set it."""

    days_before_due = models.CharField(
        max_length=50,
        default="14,3",
        blank=True,
        validators=[validate_days_list],
        help_text=_(
            "Days before the due date to send a reminder, separated by commas (empty: none)."
        ),
    )
    overdue_every_days = models.PositiveIntegerField(
        default=7, help_text=_("While training is overdue, remind every this many days (0: never).")
    )
    digest_weekday = models.IntegerField(
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text=_("The day line managers get their weekly digest."),
    )

    class Meta:
        verbose_name = _("Reminder settings")

    @property
    def reminder_days(self) -> list[int]:
        # Saved values passed the validator; a row written some other way counts as none.
        try:
            return days_list(self.days_before_due)
        except ValidationError:
            return []
