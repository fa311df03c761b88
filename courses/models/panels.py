"""Editor panels that show authors and reviewers what a course's review covers."""

from wagtail.admin.panels import HelpPanel, Panel


class CourseUnitPanel(Panel):
    """On a course's edit screen: the modules and lessons whose drafts approving the course
    publishes with it, so that the reviewer sees everything they approve."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/course_unit_panel.html"

        def is_shown(self):
            return self.instance.pk is not None  # a course not saved yet has no modules

        def get_context_data(self, parent_context=None):
            from courses.review import unit_changes

            context = super().get_context_data(parent_context)
            context["changes"] = unit_changes(self.instance)
            return context


def reviewed_with_course_panel() -> HelpPanel:
    return HelpPanel(
        heading="Review",
        content=(
            "<p>Modules and lessons are reviewed and published with their course. Save your "
            "changes as a draft, then choose “Submit with course”; approving the course "
            "publishes them.</p>"
        ),
    )
