"""Periodic jobs: when each is next due (one row per job), and the worker that enqueues due runs
on the database task queue and runs them. It knows no other app: the jobs themselves are named
in settings.PERIODIC_JOBS by dotted path."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")
    default_auto_field = "django.db.models.BigAutoField"
