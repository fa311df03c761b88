"""Thin adapters from Django signals to account services."""

from accounts.services import role_groups_sync


def sync_role_groups_after_migrate(sender, **kwargs) -> None:
    # post_migrate fires once per app; only the last app's call sees every permission, so
    # syncing on each call is cheap and idempotent rather than order-dependent.
    using = kwargs.get("using", "default")
    role_groups_sync(using=using)
