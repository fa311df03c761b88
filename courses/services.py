"""Writes for courses."""

from collections.abc import Mapping, Sequence

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page


@transaction.atomic
def root_page_permissions_grant(
    grants: Mapping[str, Sequence[str]], *, using: str = "default"
) -> None:
    """Grant page permissions on the tree's root to role groups (idempotent)."""
    root = Page.objects.using(using).filter(depth=1).first()
    if root is None:  # the page tree is created by Wagtail's own migrations
        return
    for group_name, codenames in grants.items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        )
        for permission in permissions:
            GroupPagePermission.objects.using(using).get_or_create(
                group=group, page=root, permission=permission
            )
