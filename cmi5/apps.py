"""App configuration for cmi5 courses."""

from django.apps import AppConfig


class Cmi5Config(AppConfig):
    name = "cmi5"
    verbose_name = "cmi5 courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cmi5.credentials import KIND, session_authenticate, session_gate
        from cmi5.importer import cmi5_detect, cmi5_import
        from packages import kinds
        from xapi.gates import credential_kind_register

        kinds.register("cmi5", detect=cmi5_detect, import_package=cmi5_import)
        credential_kind_register(KIND, authenticate=session_authenticate, gate=session_gate)
