"""CMS screens for administrators: departments, job roles and memberships, with history."""

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.choosers import person_chooser_viewset
from organisations.models import Department, JobRole, Membership


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    list_display = ["name", "code", "parent", "establishment"]
    search_fields = ["name", "code"]
    ordering = ["name"]


class JobRoleViewSet(SnippetViewSet):
    model = JobRole
    icon = "tag"
    list_display = ["name", "family", "code"]
    list_filter = ["family"]
    search_fields = ["name"]


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "user"
    menu_label = "People's places"
    list_display = ["user", "department", "job_role", "line_manager"]
    list_filter = ["department", "job_role"]
    list_per_page = 50
    panels = [
        FieldPanel("user", widget=person_chooser_viewset.widget_class),
        FieldPanel("department"),
        FieldPanel("job_role"),
        FieldPanel("line_manager", widget=person_chooser_viewset.widget_class),
    ]

    def get_queryset(self, request):
        return Membership.objects.select_related("user", "department", "job_role", "line_manager")


class OrganisationViewSetGroup(SnippetViewSetGroup):
    items = (DepartmentViewSet, JobRoleViewSet, MembershipViewSet)
    menu_label = "Organisation"
    menu_icon = "site"


register_snippet(OrganisationViewSetGroup)
