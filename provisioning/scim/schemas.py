"""What this service provider supports, as its discovery endpoints publish it (RFC 7643 §5-7).

The User and Group schemas list only the attributes the platform keeps, so that a client (and
scim2-tester) knows what it can write. Department and title publish as canonical values the
departments and job roles the platform knows: any other value is refused.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"

MAX_RESULTS = 200


@dataclass(frozen=True)
class Attribute:
    name: str
    type: str = "string"
    multi_valued: bool = False
    required: bool = False
    mutability: str = "readWrite"
    uniqueness: str = "none"
    case_exact: bool = False
    canonical_values: Callable[[], list[str]] | tuple[str, ...] = ()
    reference_types: tuple[str, ...] = ()
    removable: bool = True
    sub_attributes: tuple["Attribute", ...] = ()

    def sub(self, name: str) -> "Attribute | None":
        return next((a for a in self.sub_attributes if a.name.lower() == name.lower()), None)

    def describe(self) -> dict:
        values = self.canonical_values
        described = {
            "name": self.name,
            "type": self.type,
            "multiValued": self.multi_valued,
            "description": self.name,
            "required": self.required,
            "caseExact": self.case_exact,
            "mutability": self.mutability,
            "returned": "default",
            "uniqueness": self.uniqueness,
        }
        canonical = list(values() if callable(values) else values)
        if canonical:
            described["canonicalValues"] = canonical
        if self.reference_types:
            described["referenceTypes"] = list(self.reference_types)
        if self.sub_attributes:
            described["subAttributes"] = [a.describe() for a in self.sub_attributes]
        return described


@dataclass(frozen=True)
class Schema:
    id: str
    name: str
    description: str
    attributes: tuple[Attribute, ...]
    # Attributes RFC 7643 defines that the platform does not keep: accepted and ignored, so
    # an identity provider's default attribute mapping works; anything else is refused.
    ignored: frozenset[str] = field(default_factory=frozenset)

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name.lower() == name.lower()), None)

    def describe(self, base_url: str) -> dict:
        return {
            "schemas": [SCHEMA_SCHEMA],
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "attributes": [a.describe() for a in self.attributes],
            "meta": {"resourceType": "Schema", "location": f"{base_url}/Schemas/{self.id}"},
        }


def _job_role_names() -> list[str]:
    from organisations.models import JobRole

    return list(JobRole.objects.order_by("name").values_list("name", flat=True))


def _department_codes() -> list[str]:
    from organisations.models import Department

    return list(Department.objects.order_by("code").values_list("code", flat=True))


USER = Schema(
    id=USER_SCHEMA,
    name="User",
    description="A person with an account on the platform.",
    attributes=(
        Attribute("userName", required=True, uniqueness="server"),
        Attribute(
            "name",
            type="complex",
            sub_attributes=(Attribute("givenName"), Attribute("familyName")),
        ),
        Attribute("title", canonical_values=_job_role_names),
        # An account is open or closed: "active" can be set to false, never removed.
        Attribute("active", type="boolean", removable=False),
        # Required here: people sign in with their work email address.
        Attribute(
            "emails",
            type="complex",
            multi_valued=True,
            required=True,
            sub_attributes=(
                Attribute("value", required=True),
                Attribute("type", canonical_values=("work",)),
            ),
        ),
        Attribute(
            "groups",
            type="complex",
            multi_valued=True,
            mutability="readOnly",
            sub_attributes=(
                Attribute("value", mutability="readOnly"),
                Attribute(
                    "$ref", type="reference", reference_types=("Group",), mutability="readOnly"
                ),
                Attribute("display", mutability="readOnly"),
            ),
        ),
    ),
    ignored=frozenset(
        {
            "displayname",
            "nickname",
            "profileurl",
            "usertype",
            "preferredlanguage",
            "locale",
            "timezone",
            "password",
            "phonenumbers",
            "ims",
            "photos",
            "addresses",
            "entitlements",
            "roles",
            "x509certificates",
            "emails.primary",
            "emails.display",
            "name.formatted",
            "name.middlename",
            "name.honorificprefix",
            "name.honorificsuffix",
        }
    ),
)

ENTERPRISE_USER = Schema(
    id=ENTERPRISE_SCHEMA,
    name="EnterpriseUser",
    description="Where the person works: department, line manager and employee number.",
    attributes=(
        Attribute("employeeNumber", uniqueness="server"),
        Attribute("department", canonical_values=_department_codes),
        Attribute(
            "manager",
            type="complex",
            sub_attributes=(
                Attribute("value"),
                Attribute("$ref", type="reference", reference_types=("User",)),
            ),
        ),
    ),
    ignored=frozenset({"costcenter", "organization", "division", "manager.displayname"}),
)

GROUP = Schema(
    id=GROUP_SCHEMA,
    name="Group",
    description="A group of people. Groups named for a role of the platform grant that role.",
    attributes=(
        Attribute("displayName", required=True, uniqueness="server"),
        Attribute(
            "members",
            type="complex",
            multi_valued=True,
            sub_attributes=(
                Attribute("value"),
                Attribute("$ref", type="reference", reference_types=("User",)),
                Attribute("type", canonical_values=("User",)),
            ),
        ),
    ),
    ignored=frozenset({"members.display"}),
)

SCHEMAS = {schema.id: schema for schema in (USER, ENTERPRISE_USER, GROUP)}


def resource_types(base_url: str) -> list[dict]:
    def resource_type(name: str, endpoint: str, schema: str, extensions: Iterable[str]) -> dict:
        return {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": name,
            "name": name,
            "endpoint": endpoint,
            "description": SCHEMAS[schema].description,
            "schema": schema,
            "schemaExtensions": [{"schema": urn, "required": False} for urn in extensions],
            "meta": {
                "resourceType": "ResourceType",
                "location": f"{base_url}/ResourceTypes/{name}",
            },
        }

    return [
        resource_type("User", "/Users", USER_SCHEMA, [ENTERPRISE_SCHEMA]),
        resource_type("Group", "/Groups", GROUP_SCHEMA, []),
    ]


def service_provider_config(base_url: str) -> dict:
    return {
        "schemas": [CONFIG_SCHEMA],
        "documentationUri": f"{base_url.rsplit('/scim/', 1)[0]}/",
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token an administrator creates under Settings, SCIM tokens.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base_url}/ServiceProviderConfig",
        },
    }
