"""SCIM Users: a person as a SCIM document, and a SCIM document read as what the platform keeps."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from provisioning.models import ProvisionedUser
from provisioning.scim.errors import invalid_value
from provisioning.scim.filters import Field
from provisioning.scim.schemas import ENTERPRISE_SCHEMA, USER_SCHEMA

_ENTERPRISE = ENTERPRISE_SCHEMA.lower()

# Attribute (canonical, lower case) -> where filters find it.
USER_FILTER_FIELDS = {
    "id": Field(("scim_id",), kind="uuid"),
    "username": Field(("user_name",)),
    "externalid": Field(("external_id",), case_exact=True),
    "name.givenname": Field(("user__first_name",)),
    "name.familyname": Field(("user__last_name",)),
    "emails": Field(("user__email",)),
    "emails.value": Field(("user__email",)),
    "emails.type": Field(constant="work"),
    "emails.primary": Field(constant=True),
    "active": Field(("user__is_active",), kind="boolean"),
    "title": Field(("user__membership__job_role__name", "user__membership__job_role__code")),
    "meta.resourcetype": Field(constant="User"),
    "meta.created": Field(("created_at",), kind="datetime"),
    "meta.lastmodified": Field(("updated_at",), kind="datetime"),
    f"{_ENTERPRISE}:employeenumber": Field(("user__membership__employee_number",), case_exact=True),
    f"{_ENTERPRISE}:department": Field(
        ("user__membership__department__code", "user__membership__department__name")
    ),
    f"{_ENTERPRISE}:manager": Field(
        ("user__membership__line_manager__scim_record__scim_id",), kind="uuid"
    ),
    f"{_ENTERPRISE}:manager.value": Field(
        ("user__membership__line_manager__scim_record__scim_id",), kind="uuid"
    ),
}


@dataclass(frozen=True)
class UserInput:
    """What a SCIM User document says, checked, in the platform's terms."""

    user_name: str
    external_id: str | None
    given_name: str
    family_name: str
    email: str
    active: bool | None  # None: not said (a new person is active)
    title: str | None
    employee_number: str | None
    department: str | None
    manager_id: str | None


def user_input(document: dict) -> UserInput:
    enterprise = document.get(ENTERPRISE_SCHEMA, {})
    user_name = _text(document.get("userName"), "userName", 255)
    if not user_name:
        raise invalid_value("userName is required.")
    name = document.get("name") or {}
    manager = enterprise.get("manager") or {}
    return UserInput(
        user_name=user_name,
        external_id=_text(document.get("externalId"), "externalId", 255) or None,
        given_name=_text(name.get("givenName"), "name.givenName", 150) or "",
        family_name=_text(name.get("familyName"), "name.familyName", 150) or "",
        email=_email(document.get("emails"), user_name),
        active=_boolean(document.get("active"), "active"),
        title=_text(document.get("title"), "title", 200) or None,
        employee_number=_text(enterprise.get("employeeNumber"), "employeeNumber", 64) or None,
        department=_text(enterprise.get("department"), "department", 200) or None,
        manager_id=_text(manager.get("value"), "manager.value", 64) or None,
    )


def _text(value: Any, name: str, max_length: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise invalid_value(f"{name} must be a string.")
    text = str(value).strip()
    if len(text) > max_length:
        raise invalid_value(f"{name} is longer than {max_length} characters.")
    return text


def _boolean(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    # Entra ID sends booleans as the strings "True" and "False".
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise invalid_value(f"{name} must be true or false.")


def _email(emails: Any, user_name: str) -> str:
    """The person's sign-in address: the work email, else the first; a userName that is an
    email address serves when no email is sent (Okta's default)."""
    if emails is None:
        emails = []
    if not isinstance(emails, list) or not all(isinstance(e, dict) for e in emails):
        raise invalid_value("emails must be a list of objects with a value.")
    chosen = next((e for e in emails if str(e.get("type", "")).lower() == "work"), None) or (
        emails[0] if emails else None
    )

    address = chosen.get("value") if chosen else user_name
    if not isinstance(address, str):
        raise invalid_value("emails[].value must be a string.")
    try:
        validate_email(address.strip())
    except ValidationError:
        if chosen is None:
            raise invalid_value("A work email address is required (emails).") from None
        raise invalid_value(f"{address!r} is not an email address.") from None
    return address.strip().lower()


def user_location(base_url: str, scim_id) -> str:
    return f"{base_url}/Users/{scim_id}"


def user_document(record: ProvisionedUser, base_url: str) -> dict:
    """The SCIM document of a person. Reads only what selectors.users() fetched with it."""
    user = record.user
    membership = getattr(user, "membership", None)
    document: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": str(record.scim_id),
        "userName": record.user_name,
    }
    if record.external_id:
        document["externalId"] = record.external_id
    name = {
        key: value
        for key, value in (("givenName", user.first_name), ("familyName", user.last_name))
        if value
    }
    if name:
        document["name"] = name
    document["active"] = user.is_active
    document["emails"] = [{"value": user.email, "type": "work"}]
    if membership is not None and membership.job_role_id:
        document["title"] = membership.job_role.name
    groups = getattr(user, "scim_groups", [])
    if groups:
        document["groups"] = [
            {
                "value": str(group.scim_record.scim_id),
                "$ref": f"{base_url}/Groups/{group.scim_record.scim_id}",
                "display": group.name,
            }
            for group in groups
        ]
    enterprise = _enterprise(membership, base_url)
    if enterprise:
        document["schemas"].append(ENTERPRISE_SCHEMA)
        document[ENTERPRISE_SCHEMA] = enterprise
    document["meta"] = {
        "resourceType": "User",
        "created": record.created_at.isoformat(),
        "lastModified": record.updated_at.isoformat(),
        "location": user_location(base_url, record.scim_id),
    }
    return document


def _enterprise(membership, base_url: str) -> dict:
    if membership is None:
        return {}
    enterprise: dict[str, Any] = {}
    if membership.employee_number:
        enterprise["employeeNumber"] = membership.employee_number
    if membership.department_id:
        enterprise["department"] = membership.department.code
    manager = membership.line_manager
    manager_record = getattr(manager, "scim_record", None) if manager else None
    if manager_record is not None and manager_record.deleted_at is None:
        enterprise["manager"] = {
            "value": str(manager_record.scim_id),
            "$ref": user_location(base_url, manager_record.scim_id),
        }
    return enterprise
