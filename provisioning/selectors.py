"""Reads for SCIM: the people and groups it provisions, fetched in a fixed number of queries."""

from django.contrib.auth.models import Group
from django.db.models import Prefetch, QuerySet

from accounts.models import User
from provisioning.models import ProvisionedGroup, ProvisionedUser, ProvisioningToken, token_digest


def token_by_secret(secret: str) -> ProvisioningToken | None:
    return ProvisioningToken.objects.usable().filter(digest=token_digest(secret)).first()


def users() -> QuerySet[ProvisionedUser]:
    """People SCIM provisions and has not deleted, with all their SCIM document needs."""
    return (
        ProvisionedUser.objects.filter(deleted_at=None)
        .select_related(
            "user",
            "user__membership__department",
            "user__membership__job_role",
            "user__membership__line_manager__scim_record",
        )
        .prefetch_related(
            Prefetch(
                "user__groups",
                queryset=Group.objects.filter(scim_record__isnull=False)
                .select_related("scim_record")
                .order_by("name"),
                to_attr="scim_groups",
            )
        )
        .order_by("pk")
    )


def provisioned_members() -> QuerySet[User]:
    return (
        User.objects.filter(scim_record__isnull=False, scim_record__deleted_at=None)
        .select_related("scim_record")
        .order_by("scim_record__pk")
    )


def groups() -> QuerySet[ProvisionedGroup]:
    """Groups SCIM knows, each with the provisioned people in it."""
    return (
        ProvisionedGroup.objects.select_related("group")
        .prefetch_related(
            Prefetch("group__user_set", queryset=provisioned_members(), to_attr="scim_members")
        )
        .order_by("pk")
    )
