"""Thin adapters from Django signals to account services."""

from django.apps import apps

from accounts.services import role_groups_sync


def _last_app_with_models() -> str:
    return [config for config in apps.get_app_configs() if config.models_module][-1].label


def sync_role_groups_after_migrate(sender, **kwargs) -> None:
    # migrate and flush send post_migrate once for each app with models, and each app's
    # permissions are created in its own call: only the last call sees them all, so syncing
    # there alone is both complete and ~50 times cheaper than syncing on every call.
    if sender.label != _last_app_with_models():
        return
    role_groups_sync(using=kwargs.get("using", "default"))
