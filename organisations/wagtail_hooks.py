"""CMS screens for administrators: departments, job roles and memberships, with history."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_required
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from accounts.audit import audit_record, audit_snapshot
from accounts.choosers import person_chooser_viewset
from organisations.models import Department, DepartmentLead, JobRole, Membership, MembershipSource
from organisations.roster import views as roster_views
from organisations.services import MEMBERSHIP_FIELDS


class AuditedMembershipSave:
    """An administrator's edit of a person's place, recorded with what it was before."""

    def save_instance(self):
        previous = Membership.objects.filter(pk=self.form.instance.pk).first()
        before = audit_snapshot(previous, MEMBERSHIP_FIELDS)
        self.form.instance.source = MembershipSource.ADMINISTRATOR
        instance = super().save_instance()
        after = audit_snapshot(instance, MEMBERSHIP_FIELDS)
        if before != after:
            audit_record(
                instance=instance,
                action="lms.membership.change",
                actor=self.request.user,
                before=before,
                after=after,
                via="Content management",
            )
        return instance


class MembershipCreateView(AuditedMembershipSave, CreateView):
    pass


class MembershipEditView(AuditedMembershipSave, EditView):
    pass


class DepartmentLeadCreateView(CreateView):
    def save_instance(self):
        grant = super().save_instance()
        audit_record(
            instance=grant,
            action="lms.lead_scope.grant",
            actor=self.request.user,
            after={"user": str(grant.user), "department": grant.department.code},
            via="Content management",
        )
        return grant


class DepartmentLeadEditView(EditView):
    def save_instance(self):
        previous = DepartmentLead.objects.select_related("user", "department").get(
            pk=self.form.instance.pk
        )
        before = {"user": str(previous.user), "department": previous.department.code}
        grant = super().save_instance()
        after = {"user": str(grant.user), "department": grant.department.code}
        if before != after:
            audit_record(
                instance=grant,
                action="lms.lead_scope.revoke",
                actor=self.request.user,
                before=before,
                via="Content management",
            )
            audit_record(
                instance=grant,
                action="lms.lead_scope.grant",
                actor=self.request.user,
                after=after,
                via="Content management",
            )
        return grant


class DepartmentLeadDeleteView(DeleteView):
    def delete_action(self):
        audit_record(
            instance=self.object,
            action="lms.lead_scope.revoke",
            actor=self.request.user,
            before={"user": str(self.object.user), "department": self.object.department.code},
            via="Content management",
        )
        super().delete_action()


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
    menu_label = _("People's places")
    list_display = ["user", "department", "job_role", "line_manager", "source"]
    list_filter = ["department", "job_role", "source"]
    list_per_page = 50
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    panels = [
        FieldPanel("user", widget=person_chooser_viewset.widget_class),
        FieldPanel("department"),
        FieldPanel("job_role"),
        FieldPanel("line_manager", widget=person_chooser_viewset.widget_class),
        FieldPanel("employee_number"),
        FieldPanel("leaving_date"),
    ]

    def get_queryset(self, request):
        return Membership.objects.select_related("user", "department", "job_role", "line_manager")


class DepartmentLeadViewSet(SnippetViewSet):
    """Who leads which department's reports: the only source of a department lead's scope."""

    model = DepartmentLead
    icon = "user"
    menu_label = _("Department leads")
    list_display = ["user", "department", "source", "granted_at"]
    list_filter = ["department", "source"]
    add_view_class = DepartmentLeadCreateView
    edit_view_class = DepartmentLeadEditView
    delete_view_class = DepartmentLeadDeleteView
    panels = [
        FieldPanel("user", widget=person_chooser_viewset.widget_class),
        FieldPanel("department"),
    ]

    def get_queryset(self, request):
        return DepartmentLead.objects.select_related("user", "department")


class OrganisationViewSetGroup(SnippetViewSetGroup):
    items = (DepartmentViewSet, JobRoleViewSet, MembershipViewSet, DepartmentLeadViewSet)
    menu_label = _("Organisation")
    menu_icon = "site"
    submenu_hook = "register_organisation_menu_item"


register_snippet(OrganisationViewSetGroup)


class RosterMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(roster_views.PERMISSION)


@hooks.register("register_organisation_menu_item")
def roster_menu_item():
    return RosterMenuItem(
        _("Import HR roster"), reverse("organisations_roster"), icon_name="upload", order=900
    )


@hooks.register("register_admin_urls")
def roster_urls():
    guard = permission_required(roster_views.PERMISSION)
    return [
        path(
            "organisation/roster/",
            guard(roster_views.RosterView.as_view()),
            name="organisations_roster",
        ),
        path(
            "organisation/roster/confirm/",
            guard(roster_views.RosterConfirmView.as_view()),
            name="organisations_roster_confirm",
        ),
    ]
