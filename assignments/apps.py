"""App configuration: required training, who may assign it, and the course events it follows."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "assignments"
    verbose_name = _("Required training")
    default_auto_field = "django.db.models.BigAutoField"

    # Who may assign: training leads and the CTO office anyone, department leads inside their
    # own department only (assignments.scope), administrators anyone.
    role_permissions = {
        "Training lead": ["assignments.add_assignment", "assignments.view_assignment"],
        "Department lead": ["assignments.add_assignment", "assignments.view_assignment"],
        "CTO office": ["assignments.add_assignment", "assignments.view_assignment"],
        "Administrator": [
            "assignments.add_assignment",
            "assignments.change_assignment",
            "assignments.view_assignment",
        ],
    }

    def ready(self) -> None:
        from assignments import signals
        from courses.events import course_completed, programme_completed

        course_completed.connect(signals.course_completed, dispatch_uid="assignments-course")
        programme_completed.connect(
            signals.programme_completed, dispatch_uid="assignments-programme"
        )
