"""The signed-in person's unread notification count, for the site header."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Counted only if the page shows it, and at most once per page.
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
