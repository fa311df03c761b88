"""App configuration: keeps the role groups in step with the permissions each app declares."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    # The permissions this app grants to each role (see accounts.roles.Role).
    role_permissions = {
        "Administrator": [
            "accounts.add_user",
            "accounts.change_user",
            "accounts.delete_user",
            "accounts.view_user",
            "accounts.change_securitypolicy",
            "auth.view_group",
            "auth.change_group",
            "wagtailadmin.access_admin",
            "wagtailusers.add_userprofile",
            "wagtailusers.change_userprofile",
            # Reading the audit trail (accounts.audit_views).
            "wagtailcore.view_modellogentry",
        ],
        "Training lead": ["wagtailadmin.access_admin"],
    }

    def ready(self) -> None:
        from django.apps import apps

        from accounts.signals import sync_role_groups_after_migrate

        # migrate and flush send post_migrate once for each app with models, and each app's
        # permissions are created in its own call: connected to the last such app alone, the
        # sync runs once per migrate or flush and sees every app's permissions.
        last_app_with_models = [c for c in apps.get_app_configs() if c.models_module][-1]
        post_migrate.connect(
            sync_role_groups_after_migrate,
            sender=last_app_with_models,
            dispatch_uid="accounts-role-groups",
        )
