"""Thin adapters from Django signals to account services."""

from accounts.services import role_groups_sync


def sync_role_groups_after_migrate(sender, **kwargs) -> None:
    # Connected to the last app with models only (see AccountsConfig.ready).
    role_groups_sync(using=kwargs.get("using", "default"))
