"""App configuration for cmi5 courses."""

from django.apps import AppConfig


class Cmi5Config(AppConfig):
    name = "cmi5"
    verbose_name = "cmi5 courses"
    default_auto_field = "django.db.models.BigAutoField"
