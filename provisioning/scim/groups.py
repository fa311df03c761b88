"""SCIM Groups: a Django group as a SCIM document, and a SCIM document read into its name and
members."""

from dataclasses import dataclass
from typing import Any

from provisioning.models import ProvisionedGroup
from provisioning.scim.errors import invalid_value
from provisioning.scim.filters import Field
from provisioning.scim.schemas import GROUP_SCHEMA

GROUP_FILTER_FIELDS = {
    "id": Field(("scim_id",), kind="uuid"),
    "displayname": Field(("group__name",)),
    "externalid": Field(("external_id",), case_exact=True),
    "members": Field(("group__user__scim_record__scim_id",), kind="uuid"),
    "members.value": Field(("group__user__scim_record__scim_id",), kind="uuid"),
    "members.type": Field(constant="User"),
    "meta.resourcetype": Field(constant="Group"),
    "meta.created": Field(("created_at",), kind="datetime"),
    "meta.lastmodified": Field(("updated_at",), kind="datetime"),
}


@dataclass(frozen=True)
class GroupInput:
    display_name: str
    external_id: str | None
    member_ids: tuple[str, ...]


def group_input(document: dict) -> GroupInput:
    display_name = document.get("displayName")
    if not isinstance(display_name, str) or not display_name.strip():
        raise invalid_value("displayName is required.")
    if len(display_name.strip()) > 150:
        raise invalid_value("displayName is longer than 150 characters.")
    external_id = document.get("externalId")
    if external_id is not None and not isinstance(external_id, str):
        raise invalid_value("externalId must be a string.")
    members = document.get("members") or []
    if not isinstance(members, list):
        raise invalid_value("members must be a list.")
    member_ids = []
    for member in members:
        if str(member.get("type", "User")).lower() != "user":
            raise invalid_value("A group's members are people: groups cannot contain groups.")
        value = member.get("value")
        if not isinstance(value, str) or not value:
            raise invalid_value("Each member has the id of a User as its value.")
        member_ids.append(value)
    return GroupInput(
        display_name=display_name.strip(),
        external_id=(external_id or "").strip() or None,
        member_ids=tuple(dict.fromkeys(member_ids)),
    )


def group_document(record: ProvisionedGroup, base_url: str, *, members: Any = None) -> dict:
    """The SCIM document of a group. `members` are the provisioned people in it (users with
    their scim_record), as selectors.groups() fetched them."""
    members = record.group.scim_members if members is None else members
    document: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": str(record.scim_id),
        "displayName": record.group.name,
    }
    if record.external_id:
        document["externalId"] = record.external_id
    if members:
        document["members"] = [
            {
                "value": str(member.scim_record.scim_id),
                "$ref": f"{base_url}/Users/{member.scim_record.scim_id}",
                "type": "User",
            }
            for member in members
        ]
    document["meta"] = {
        "resourceType": "Group",
        "created": record.created_at.isoformat(),
        "lastModified": record.updated_at.isoformat(),
        "location": f"{base_url}/Groups/{record.scim_id}",
    }
    return document
