"""CMS screens under "Competencies": the framework snippets, with history, and import/export."""

import django_filters
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.auth import permission_required
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet, SnippetViewSetGroup

from competencies.choosers import PER_PAGE, CompetencyChooserViewSet
from competencies.exchange import views as exchange_views
from competencies.models import Area, Competency, Framework, RoleRequirement

MENU_HOOK = "register_competencies_menu_item"


class AreaChoiceFilter(django_filters.ModelChoiceFilter):
    """Areas of different frameworks share codes; the label says which framework."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Area.objects.select_related("framework"))
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        field.label_from_instance = lambda area: f"{area.framework}: {area}"
        return field


class FrameworkDeleteView(DeleteView):
    """A framework's areas are protected while competencies use them; say so, not 500."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                f"{self.object} still has competencies, and people's self-assessments and "
                "validations refer to them. Delete its competencies first, or keep it as a draft.",
            )
            return redirect(self.get_success_url())


class FrameworkViewSet(SnippetViewSet):
    model = Framework
    delete_view_class = FrameworkDeleteView
    icon = "list-ul"
    menu_label = "Frameworks"
    list_display = ["name", "version", "status", "publisher", DateColumn("updated_at", "Changed")]
    list_filter = ["status"]
    ordering = ["name", "version"]


class CompetencyFilterSet(WagtailFilterSet):
    area = AreaChoiceFilter(label="Area")

    class Meta:
        model = Competency
        fields = ["framework", "area"]


class CompetencyViewSet(SnippetViewSet):
    model = Competency
    icon = "tick-inverse"
    menu_label = "Competencies"
    filterset_class = CompetencyFilterSet
    list_display = ["code", "title", "framework", Column("area", label="Area")]
    list_per_page = 50
    chooser_viewset_class = CompetencyChooserViewSet
    chooser_per_page = PER_PAGE
    ordering = ["framework", "sort_order", "code"]

    def get_queryset(self, request):
        return Competency.objects.select_related("framework", "area")


class RoleRequirementFilterSet(WagtailFilterSet):
    framework = django_filters.ModelChoiceFilter(
        label="Framework",
        field_name="competency__framework",
        queryset=Framework.objects.all(),
    )

    class Meta:
        model = RoleRequirement
        fields = ["job_role", "department"]


class RoleRequirementViewSet(SnippetViewSet):
    model = RoleRequirement
    icon = "user"
    menu_label = "Role requirements"
    filterset_class = RoleRequirementFilterSet
    list_display = [
        "job_role",
        Column("competency", label="Competency"),
        Column("framework", label="Framework", accessor="competency.framework"),
        "department",
        "level",
    ]
    list_per_page = 50
    ordering = ["job_role__name", "competency__code"]

    def get_queryset(self, request):
        return RoleRequirement.objects.select_related(
            "job_role", "department", "competency__framework"
        )


class CompetenciesViewSetGroup(SnippetViewSetGroup):
    items = (FrameworkViewSet, CompetencyViewSet, RoleRequirementViewSet)
    menu_label = "Competencies"
    menu_icon = "tick-inverse"
    submenu_hook = MENU_HOOK


register_snippet(CompetenciesViewSetGroup)


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register(MENU_HOOK)
def import_export_menu_item():
    return PermissionMenuItem(
        "Import / export",
        reverse("competencies_exchange"),
        icon_name="download",
        order=900,
        permission=exchange_views.IMPORT_PERMISSION,
    )


@hooks.register("register_admin_urls")
def exchange_urls():
    return [
        path(
            "competencies/exchange/",
            permission_required(exchange_views.IMPORT_PERMISSION)(
                exchange_views.ImportExportView.as_view()
            ),
            name="competencies_exchange",
        ),
        path(
            "competencies/exchange/<int:pk>/<str:file_format>/",
            permission_required(exchange_views.EXPORT_PERMISSION)(exchange_views.download),
            name="competencies_export",
        ),
    ]
