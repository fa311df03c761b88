"""Reads for notifications: a person's list, their unread count and their preferences."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from accounts.models import User
from notifications.models import Notification, NotificationPreferences


def notifications_for(user: User) -> QuerySet[Notification]:
    """The person's notifications, unread first, newest first within each."""
    unread_first = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return Notification.objects.filter(user=user).order_by(unread_first, "-created_at", "-pk")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preferences_for(user: User) -> NotificationPreferences:
    """The person's saved preferences, or the defaults (everything on) if they saved none."""
    found = NotificationPreferences.objects.filter(user=user).first()
    return found or NotificationPreferences(user=user)


def notification_keys_existing(keys: list[str]) -> set[str]:
    """Which of these keys already have their notification."""
    if not keys:
        return set()
    return set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
