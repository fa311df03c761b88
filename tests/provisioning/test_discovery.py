"""Discovery endpoints: what the service provider says it supports, and errors for the rest."""

import pytest

from tests.provisioning.conftest import ENTERPRISE, GROUP, USER, error_of


def test_service_provider_config_declares_patch_and_filter_and_no_bulk_sort_or_etag(scim):
    response = scim.get("/ServiceProviderConfig")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/scim+json"
    config = response.json()
    supported = {
        name: config[name]["supported"]
        for name in ("patch", "bulk", "filter", "changePassword", "sort", "etag")
    }
    assert supported == {
        "patch": True,
        "bulk": False,
        "filter": True,
        "changePassword": False,
        "sort": False,
        "etag": False,
    }
    assert config["filter"]["maxResults"] == 200
    assert [scheme["type"] for scheme in config["authenticationSchemes"]] == ["oauthbearertoken"]


def test_resource_types_list_users_with_the_enterprise_extension_and_groups(scim):
    body = scim.get("/ResourceTypes").json()

    assert [(t["id"], t["endpoint"], t["schema"]) for t in body["Resources"]] == [
        ("User", "/Users", USER),
        ("Group", "/Groups", GROUP),
    ]
    assert body["Resources"][0]["schemaExtensions"] == [{"schema": ENTERPRISE, "required": False}]
    assert scim.get("/ResourceTypes/Group").json()["endpoint"] == "/Groups"


def test_schemas_publish_departments_and_job_roles_as_canonical_values(scim, finance, analyst):
    body = scim.get("/Schemas").json()

    assert [schema["id"] for schema in body["Resources"]] == [USER, ENTERPRISE, GROUP]
    enterprise = scim.get(f"/Schemas/{ENTERPRISE}").json()
    attributes = {a["name"]: a for a in enterprise["attributes"]}
    assert attributes["department"]["canonicalValues"] == ["FIN"]
    user = {a["name"]: a for a in scim.get(f"/Schemas/{USER}").json()["attributes"]}
    assert user["title"]["canonicalValues"] == ["Data analyst"]
    assert user["userName"]["uniqueness"] == "server"


@pytest.mark.parametrize(
    "path", ["/Schemas/urn:example:nothing", "/ResourceTypes/Printer", "/Printers", "/Users/x/y"]
)
def test_unknown_paths_answer_a_scim_404(scim, path):
    response = scim.get(path)

    assert response.status_code == 404
    assert error_of(response)["detail"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/ServiceProviderConfig", "/Schemas", "/ResourceTypes"])
def test_discovery_endpoints_refuse_writes_with_405(scim, method, path):
    response = scim.request(method, path, {})

    assert response.status_code == 405
    assert error_of(response)["detail"] == f"{method} is not allowed here."
