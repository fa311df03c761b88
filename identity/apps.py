"""App configuration: single sign-on through the organisation's identity providers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = _("Identity providers")
    default_auto_field = "django.db.models.BigAutoField"

    role_permissions = {
        "Administrator": [
            f"identity.{action}_identityprovider" for action in ("add", "change", "delete", "view")
        ],
    }

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from identity.signals import (
            identity_providers_from_environment,
            session_mfa_from_identity_provider,
        )

        user_logged_in.connect(session_mfa_from_identity_provider, dispatch_uid="identity_mfa")
        post_migrate.connect(identity_providers_from_environment, sender=self)
