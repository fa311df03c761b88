"""App configuration: SCIM 2.0 provisioning of people and groups by the identity provider."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisioningConfig(AppConfig):
    name = "provisioning"
    verbose_name = _("Provisioning")
    default_auto_field = "django.db.models.BigAutoField"

    # Tokens are revoked, never deleted, so the audit trail keeps what each one did.
    role_permissions = {
        "Administrator": [
            f"provisioning.{action}_provisioningtoken" for action in ("add", "change", "view")
        ],
    }
