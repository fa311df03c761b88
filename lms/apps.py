"""The project package is an app for what spans apps: seed_demo, and erasing a person's learning
records identity (its CMS screens and erase_learner)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Learning platform")

    def ready(self) -> None:
        # Connects the receiver that keeps a language chosen before signing in.
        from lms import languages  # noqa: F401
