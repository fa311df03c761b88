"""App configuration for bought-in course packages, and who may manage them in the CMS."""

from django.apps import AppConfig

_MANAGE = [f"packages.{action}_package" for action in ("add", "change", "view")]


class PackagesConfig(AppConfig):
    name = "packages"
    verbose_name = "Course packages"
    default_auto_field = "django.db.models.BigAutoField"

    # Deleting is for administrators only: a lesson may be using the package
    # (docs/decisions/0019-package-content-origin.md).
    role_permissions = {
        "Administrator": [*_MANAGE, "packages.delete_package"],
        "Training lead": _MANAGE,
    }

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_delete

        from . import signals
        from .checks import content_origin_check
        from .models import Package

        checks.register(content_origin_check, checks.Tags.security)
        post_delete.connect(
            signals.package_files_remove, sender=Package, dispatch_uid="packages-files-remove"
        )
