"""App configuration and the permissions this app grants to each role."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_MANAGE_ORGANISATION = [
    f"organisations.{action}_{model}"
    for model in ("department", "jobrole", "membership", "departmentlead")
    for action in ("add", "change", "delete", "view")
]


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisation")
    default_auto_field = "django.db.models.BigAutoField"

    role_permissions = {
        "Department lead": ["organisations.view_own_department"],
        "CTO office": ["organisations.view_all_departments"],
        "Administrator": [
            *_MANAGE_ORGANISATION,
            "organisations.view_own_department",
            "organisations.view_all_departments",
        ],
    }
