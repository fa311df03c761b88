"""App configuration: what the platform tells people, in the service and by email."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    # The permissions this app grants to each role (see accounts.roles.Role): administrators
    # set when reminders go out.
    role_permissions = {"Administrator": ["notifications.change_remindersettings"]}
