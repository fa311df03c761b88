"""App configuration and the permissions this app grants to each role."""

from django.apps import AppConfig

_EDIT_FRAMEWORKS = [
    f"competencies.{action}_{model}"
    for model in ("framework", "competency", "rolerequirement")
    for action in ("add", "change", "delete", "view")
]


class CompetenciesConfig(AppConfig):
    name = "competencies"
    verbose_name = "Competencies"
    default_auto_field = "django.db.models.BigAutoField"

    role_permissions = {
        "Training lead": _EDIT_FRAMEWORKS,
        "Administrator": _EDIT_FRAMEWORKS,
    }
