"""Bad SCIM requests get a clear SCIM error, never a 500, and never a half-written person."""

import pytest

from accounts.models import User
from organisations.models import Membership
from provisioning.models import ProvisionedUser
from tests.provisioning.conftest import ENTERPRISE, USER, error_of, user_body


def error(response) -> tuple[int, str | None, str]:
    body = error_of(response)
    return response.status_code, body.get("scimType"), body["detail"]


def nobody_written():
    return (User.objects.count(), ProvisionedUser.objects.count(), Membership.objects.count())


def test_malformed_json_is_invalid_syntax(scim):
    response = scim.post("/Users", raw=b'{"schemas": [')

    assert error(response) == (400, "invalidSyntax", "The request body is not valid JSON.")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([], (400, "invalidSyntax", "The request body must be a JSON object.")),
        (
            {"userName": "x@city.example.gov"},
            (400, "invalidSyntax", f'"schemas" must be a list that includes "{USER}".'),
        ),
        (
            user_body(schemas=["urn:ietf:params:scim:schemas:core:2.0:Group"]),
            (400, "invalidValue", f'"schemas" must include "{USER}".'),
        ),
        (
            user_body(schemas=[USER, "urn:example:custom"]),
            (400, "invalidValue", "Unknown schema: urn:example:custom."),
        ),
        (user_body(shoeSize=44), (400, "invalidSyntax", "Unknown attribute 'shoeSize' in User.")),
        (
            user_body(name={"givenName": "Ana", "nickname": "A"}),
            (400, "invalidSyntax", "Unknown sub-attribute 'nickname' of name."),
        ),
        (user_body(userName=""), (400, "invalidValue", "userName is required.")),
        (user_body(active="maybe"), (400, "invalidValue", "active must be true or false.")),
        (
            user_body(emails=[{"value": "not-an-address", "type": "work"}]),
            (400, "invalidValue", "'not-an-address' is not an email address."),
        ),
        (
            user_body("ana", emails=[]),
            (400, "invalidValue", "A work email address is required (emails)."),
        ),
        (
            user_body(title="Astronaut"),
            (400, "invalidValue", "No job role has the name or code 'Astronaut' (title)."),
        ),
        (
            user_body(**{ENTERPRISE: {"department": "Space"}}),
            (400, "invalidValue", "No department has the code or name 'Space'."),
        ),
        (
            user_body(**{ENTERPRISE: {"manager": {"value": "nobody"}}}),
            (400, "invalidValue", "No user has the id 'nobody' (manager)."),
        ),
    ],
)
def test_bad_user_documents_are_refused_and_write_nothing(scim, body, expected):
    before = nobody_written()

    response = scim.post("/Users", body)

    assert error(response) == expected
    assert nobody_written() == before


def test_ignored_rfc_attributes_are_accepted(scim):
    body = user_body(displayName="Ana Silva", phoneNumbers=[{"value": "+1", "type": "work"}])
    body["name"]["formatted"] = "Ana Silva"

    response = scim.post("/Users", body)

    assert response.status_code == 201
    # Stored as any other person: the attributes the service keeps, nothing from the rest.
    assert list(User.objects.values_list("email", "first_name", "last_name", "is_active")) == [
        ("ana@city.example.gov", "Ana", "Silva", True)
    ]
    assert "phoneNumbers" not in response.json()


def test_duplicate_user_name_is_a_409_whatever_its_case(scim):
    scim.post("/Users", user_body())

    response = scim.post(
        "/Users", user_body("ANA@city.example.gov", emails=[{"value": "ana2@city.example.gov"}])
    )

    assert error(response) == (
        409,
        "uniqueness",
        "The userName 'ANA@city.example.gov' is already in use.",
    )


def test_an_email_another_provisioned_person_has_is_a_409(scim):
    scim.post("/Users", user_body())

    response = scim.post(
        "/Users", user_body("ana2", emails=[{"value": "ana@city.example.gov", "type": "work"}])
    )

    assert error(response) == (
        409,
        "uniqueness",
        "ana@city.example.gov already belongs to the user 'ana@city.example.gov'.",
    )


def test_duplicate_employee_number_is_a_409(scim):
    scim.post("/Users", user_body(**{ENTERPRISE: {"employeeNumber": "7"}}))

    response = scim.post(
        "/Users", user_body("bo@city.example.gov", **{ENTERPRISE: {"employeeNumber": "7"}})
    )

    assert error(response) == (409, "uniqueness", "The employeeNumber '7' is already in use.")
    assert not User.objects.filter(email="bo@city.example.gov").exists()


def test_a_failed_patch_changes_nothing(scim, finance):
    user = scim.post("/Users", user_body()).json()

    response = scim.patch(
        f"/Users/{user['id']}",
        {"op": "replace", "path": "name.givenName", "value": "Changed"},
        {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Nowhere"},
    )

    assert error(response)[0] == 400
    assert scim.get(f"/Users/{user['id']}").json() == user


def test_a_manager_loop_is_refused(scim):
    ana = scim.post("/Users", user_body()).json()
    bo = scim.post(
        "/Users",
        user_body("bo@city.example.gov", **{ENTERPRISE: {"manager": {"value": ana["id"]}}}),
    ).json()

    response = scim.patch(
        f"/Users/{ana['id']}", {"op": "add", "path": f"{ENTERPRISE}:manager", "value": bo["id"]}
    )

    assert error(response) == (400, "invalidValue", "This would make a loop of line managers.")


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        (
            {"op": "move", "path": "title"},
            (400, "invalidSyntax", "Unknown PATCH operation 'move'."),
        ),
        ({"op": "remove"}, (400, "noTarget", "A remove operation needs a path.")),
        (
            {"op": "add", "path": "shoeSize", "value": 1},
            (400, "invalidPath", "Unknown attribute 'shoeSize' in User."),
        ),
        ({"op": "add", "path": "groups", "value": []}, (400, "mutability", "groups is read-only.")),
        ({"op": "remove", "path": "userName"}, (400, "invalidValue", "userName is required.")),
        (
            {"op": "add", "path": "title[value eq 1]", "value": "x"},
            (400, "invalidFilter", "title has one value: it takes no filter."),
        ),
        (
            {"op": "add", "value": "x"},
            (400, "invalidSyntax", "Without a path, the value is a JSON object of attributes."),
        ),
    ],
)
def test_bad_patch_operations_are_refused(scim, operation, expected):
    user = scim.post("/Users", user_body()).json()

    assert error(scim.patch(f"/Users/{user['id']}", operation)) == expected


def test_a_patch_request_must_name_the_patch_schema(scim):
    user = scim.post("/Users", user_body()).json()

    response = scim.put(f"/Users/{user['id']}", {"schemas": [USER]})
    patch = scim.request("PATCH", f"/Users/{user['id']}", {"schemas": [USER], "Operations": []})

    assert error(response) == (400, "invalidValue", "userName is required.")
    assert error(patch) == (
        400,
        "invalidValue",
        '"schemas" must include "urn:ietf:params:scim:api:messages:2.0:PatchOp".',
    )


@pytest.mark.parametrize(
    ("filter_text", "detail"),
    [
        ('userName eq "a" and', "The filter ends too early."),
        ("userName eq a", "'a' is not a value: quote strings, as in userName eq \"ana\"."),
        ('shoeSize eq "44"', "Filtering on 'shoesize' is not supported."),
        ('userName like "a"', "Unknown filter operator 'like'."),
        ('(userName eq "a"', "The filter ends too early."),
        ('userName eq "a")', "Unexpected ')' in the filter."),
        ('meta.created gt "yesterday"', "'yesterday' is not a date and time (RFC 3339)."),
    ],
)
def test_bad_filters_are_invalid_filter(scim, filter_text, detail):
    assert error(scim.get("/Users", filter=filter_text)) == (400, "invalidFilter", detail)


@pytest.mark.parametrize(("name", "value"), [("startIndex", "first"), ("count", "many")])
def test_bad_paging_is_invalid_value(scim, name, value):
    assert error(scim.get("/Users", **{name: value})) == (
        400,
        "invalidValue",
        f"{name} must be a whole number.",
    )


def test_an_id_that_is_not_a_uuid_is_a_404(scim):
    assert error(scim.get("/Users/42")) == (404, None, "No such resource.")
