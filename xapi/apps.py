"""App configuration for the LRS."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "xapi"
    verbose_name = _("Learning records (xAPI)")
    default_auto_field = "django.db.models.BigAutoField"

    role_permissions = {
        "Administrator": [
            f"xapi.{action}_{model}"
            for model in ("lrsclient", "forwardingendpoint")
            for action in ("add", "change", "delete", "view")
        ]
        + ["xapi.view_outboxentry", "xapi.change_outboxentry"]
        # Erasing a person's learning records identity (the CMS's erasure screens).
        + ["xapi.delete_learneridentity"],
    }
