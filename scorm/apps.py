"""App configuration for SCORM packages."""

from django.apps import AppConfig


class ScormConfig(AppConfig):
    name = "scorm"
    verbose_name = "SCORM packages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from packages import kinds
        from scorm import importer

        kinds.register("scorm", detect=importer.detect, import_package=importer.import_package)
