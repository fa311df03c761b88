"""App configuration for bought-in course packages."""

from django.apps import AppConfig


class PackagesConfig(AppConfig):
    name = "packages"
    verbose_name = "Course packages"
    default_auto_field = "django.db.models.BigAutoField"
