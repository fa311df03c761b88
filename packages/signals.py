"""Thin adapters from model signals to the packages' storage."""

from pathlib import Path

from django.conf import settings
from django.db import transaction

from .unpacking import remove_tree


def package_files_remove(sender, instance, **kwargs) -> None:
    """Once a package's deletion is committed, its files go too (never before: a rollback would
    otherwise leave a row without files)."""
    if not instance.content_root:
        return
    folder = Path(settings.PACKAGE_STORAGE_ROOT) / instance.content_root
    transaction.on_commit(lambda: remove_tree(folder))
