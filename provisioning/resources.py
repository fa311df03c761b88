"""The two SCIM resource types, Users and Groups, each described once for every endpoint."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from provisioning import selectors, services
from provisioning.scim.filters import Field
from provisioning.scim.groups import GROUP_FILTER_FIELDS, group_document, group_input
from provisioning.scim.schemas import ENTERPRISE_USER, GROUP, USER, Schema
from provisioning.scim.users import USER_FILTER_FIELDS, user_document, user_input


@dataclass(frozen=True)
class ScimResource:
    """What the endpoints need to know of one resource type: its schemas, where its records
    are read, how a record becomes a document and back, and the services that write it."""

    name: str  # as meta.resourceType says it
    scope: str  # the token scope family: "users" or "groups"
    schema: Schema
    extensions: tuple[Schema, ...]
    records: Callable[[], QuerySet]
    filter_fields: Mapping[str, Field]
    document: Callable[[Any, str], dict]
    read: Callable[[dict], Any]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., None]

    @property
    def core_schema(self) -> str:
        return self.schema.id

    @property
    def extension_ids(self) -> list[str]:
        return [extension.id for extension in self.extensions]


USERS = ScimResource(
    name="User",
    scope="users",
    schema=USER,
    extensions=(ENTERPRISE_USER,),
    records=selectors.users,
    filter_fields=USER_FILTER_FIELDS,
    document=user_document,
    read=user_input,
    create=services.scim_user_create,
    update=services.scim_user_update,
    delete=services.scim_user_delete,
)

GROUPS = ScimResource(
    name="Group",
    scope="groups",
    schema=GROUP,
    extensions=(),
    records=selectors.groups,
    filter_fields=GROUP_FILTER_FIELDS,
    document=group_document,
    read=group_input,
    create=services.scim_group_create,
    update=services.scim_group_update,
    delete=services.scim_group_delete,
)

# In the order a search across every resource type lists them: people first, then groups.
ALL_RESOURCES = (USERS, GROUPS)
