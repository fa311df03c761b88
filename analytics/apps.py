"""App configuration: the evidence projection follows every statement the LRS stores, every
page reads people's current levels from the store it keeps, and the assignments app asks it
who is below target in a skill gap."""

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
        from analytics.projection.levels import stored_levels
        from analytics.signals import connect
        from competencies.proficiency import use_level_store

        connect()
        use_level_store(stored_levels)
        # The assignments app offers a gap's people below target; only analytics knows levels.
        from analytics.reports.gap_actions import people_below_target
        from assignments import gap

        gap.below_target_resolver = people_below_target
