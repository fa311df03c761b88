"""CMS registrations for accounts: the person chooser, the audit trail, and the audit of roles
and of the security policy changed in the CMS's own screens."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.audit_views import AuditTrailView, may_read_audit_trail
from accounts.choosers import person_chooser_viewset
from accounts.models import SecurityPolicy
from accounts.selectors import security_policy_snapshot, user_roles_snapshot
from accounts.services import security_policy_audit, user_roles_audit


@hooks.register("register_admin_viewset")
def register_person_chooser():
    return person_chooser_viewset


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    from accounts.audit import AUDIT_ACTIONS

    for action, label in AUDIT_ACTIONS.items():
        actions.register_action(action, label, label)


@hooks.register("register_admin_urls")
def register_audit_trail_urls():
    return [
        path("audit-trail/", AuditTrailView.as_view(), name="audit_trail"),
        path(
            "audit-trail/results/",
            AuditTrailView.as_view(results_only=True),
            name="audit_trail_results",
        ),
    ]


class AuditTrailMenuItem(MenuItem):
    def is_shown(self, request):
        return may_read_audit_trail(request.user)


@hooks.register("register_reports_menu_item")
def register_audit_trail_menu_item():
    return AuditTrailMenuItem(
        _("Audit trail"), reverse("audit_trail"), icon_name="history", order=900
    )


# Roles changed in Wagtail's user screens: the person's roles before the screen saves (kept on
# the request) against after, recorded with whoever was signed in.


def _roles_before(request, users) -> None:
    request.audit_roles_before = {user.pk: user_roles_snapshot(user) for user in users}


def _roles_after(request, users) -> None:
    before = getattr(request, "audit_roles_before", {})
    for user in users:
        # A person created in the screen had no roles before it.
        held = before.get(user.pk, {"roles": [], "is_superuser": False})
        user_roles_audit(user=user, before=held, actor=request.user, via="CMS")


@hooks.register("before_edit_user")
def audit_roles_before_edit(request, user):
    _roles_before(request, [user])


@hooks.register("after_edit_user")
def audit_roles_after_edit(request, user):
    _roles_after(request, [user])


@hooks.register("after_create_user")
def audit_roles_after_create(request, user):
    _roles_after(request, [user])


@hooks.register("before_bulk_action")
def audit_roles_before_bulk_action(request, action_type, objects, action_class_instance):
    if action_type == "assign_role":
        _roles_before(request, objects)


@hooks.register("after_bulk_action")
def audit_roles_after_bulk_action(request, action_type, objects, action_class_instance):
    if action_type == "assign_role":
        _roles_after(request, [user for user in objects if user.pk in request.audit_roles_before])


@hooks.register("before_edit_setting")
def audit_security_policy_before_edit(request, instance):
    if isinstance(instance, SecurityPolicy):
        request.audit_policy_before = security_policy_snapshot(instance)


@hooks.register("after_edit_setting")
def audit_security_policy_after_edit(request, instance):
    if isinstance(instance, SecurityPolicy):
        security_policy_audit(
            policy=instance, before=request.audit_policy_before, actor=request.user, via="CMS"
        )
