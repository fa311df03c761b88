"""App configuration: the evidence projection follows every statement the LRS stores."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Skill-gap analytics"
    default_auto_field = "django.db.models.BigAutoField"

    role_permissions = {
        "Department lead": ["analytics.view_department_report"],
        "CTO office": ["analytics.view_department_report", "analytics.view_all_reports"],
        "Administrator": ["analytics.view_department_report", "analytics.view_all_reports"],
    }

    def ready(self) -> None:
        from analytics.signals import connect

        connect()
