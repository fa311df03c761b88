"""SCIM Users: create, read, list and filter, replace, patch, and the enterprise extension."""

import pytest

from accounts.audit import audit_entries
from accounts.models import User
from organisations.models import Membership, MembershipSource
from provisioning.models import ProvisionedUser
from tests.factories import make_person
from tests.provisioning.conftest import ENTERPRISE, USER, error_of, user_body


def created(scim, user_name="ana@city.example.gov", **extra) -> dict:
    response = scim.post("/Users", user_body(user_name, **extra))
    assert response.status_code == 201, response.content
    return response.json()


def test_create_user_makes_an_active_learner_account_and_answers_its_document(scim, settings):
    response = scim.post("/Users", user_body(externalId="e-1"))

    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"{settings.SITE_URL}/scim/v2/Users/{body['id']}"
    assert {k: v for k, v in body.items() if k not in ("id", "meta")} == {
        "schemas": [USER],
        "userName": "ana@city.example.gov",
        "externalId": "e-1",
        "name": {"givenName": "Ana", "familyName": "Silva"},
        "active": True,
        "emails": [{"value": "ana@city.example.gov", "type": "work"}],
    }
    user = User.objects.get(email="ana@city.example.gov")
    assert (user.first_name, user.last_name, user.is_active, user.has_usable_password()) == (
        "Ana",
        "Silva",
        True,
        False,
    )
    assert list(user.groups.values_list("name", flat=True)) == ["Learner"]
    assert body["meta"]["resourceType"] == "User"


def test_create_user_with_enterprise_extension_places_them_through_membership_set(
    scim, finance, analyst, scim_token
):
    manager = created(scim, "mo@city.example.gov")
    body = created(
        scim,
        title="data-analyst",
        schemas=[USER, ENTERPRISE],
        **{
            ENTERPRISE: {
                "employeeNumber": "701",
                "department": "Finance, Revenue and Procurement",
                "manager": {"value": manager["id"]},
            }
        },
    )

    assert body["title"] == "Data analyst"
    assert body[ENTERPRISE] == {
        "employeeNumber": "701",
        "department": "FIN",
        "manager": {"value": manager["id"], "$ref": manager["meta"]["location"]},
    }
    membership = Membership.objects.get(user__email="ana@city.example.gov")
    assert (
        membership.department,
        membership.job_role,
        membership.line_manager.email,
        membership.employee_number,
        membership.source,
    ) == (finance, analyst, "mo@city.example.gov", "701", MembershipSource.SCIM)
    entry = audit_entries().filter(action="lms.membership.change").first()
    assert entry.data["via"] == scim_token.name
    assert entry.data["after"]["department"] == str(finance)


def test_get_user_returns_the_same_document_as_create(scim):
    body = created(scim)

    response = scim.get(f"/Users/{body['id']}")

    assert response.status_code == 200
    assert response.json() == body


def test_list_users_pages_with_start_index_and_count(scim):
    ids = [created(scim, f"p{n}@city.example.gov")["id"] for n in range(5)]

    page = scim.get("/Users", startIndex="2", count="2").json()

    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (5, 2, 2)
    assert [user["id"] for user in page["Resources"]] == ids[1:3]
    assert scim.get("/Users", count="0").json()["Resources"] == []


@pytest.mark.parametrize(
    ("filter_text", "expected"),
    [
        ('userName eq "B@City.Example.Gov"', ["b"]),
        ('externalId eq "ext-c"', ["c"]),
        ('emails[type eq "work"].value eq "a@city.example.gov"', ["a"]),
        ('emails[type eq "home"].value eq "a@city.example.gov"', []),
        ('userName eq "a@city.example.gov" or userName eq "c@city.example.gov"', ["a", "c"]),
        ('userName sw "a" and externalId eq "ext-a"', ["a"]),
        ('not (userName eq "a@city.example.gov") and active eq true', ["b", "c"]),
        ("externalId pr", ["a", "b", "c"]),
        ('name.givenName co "an"', ["a", "b", "c"]),
    ],
)
def test_list_users_filters(scim, filter_text, expected):
    ids = {
        name: created(scim, f"{name}@city.example.gov", externalId=f"ext-{name}")["id"]
        for name in "abc"
    }

    body = scim.get("/Users", filter=filter_text).json()

    assert [user["id"] for user in body["Resources"]] == [ids[name] for name in expected]
    assert body["totalResults"] == len(expected)


def test_list_users_filters_by_enterprise_department(scim, finance):
    body = created(scim, schemas=[USER, ENTERPRISE], **{ENTERPRISE: {"department": "FIN"}})
    created(scim, "other@city.example.gov")

    found = scim.get("/Users", filter=f'{ENTERPRISE}:department eq "fin"').json()

    assert [user["id"] for user in found["Resources"]] == [body["id"]]


def test_list_users_returns_only_the_attributes_asked_for(scim):
    body = created(scim)

    page = scim.get("/Users", attributes="userName,name.familyName").json()
    without = scim.get(f"/Users/{body['id']}", excludedAttributes="emails,name").json()

    assert page["Resources"] == [
        {
            "schemas": [USER],
            "id": body["id"],
            "userName": body["userName"],
            "name": {"familyName": "Silva"},
        }
    ]
    assert sorted(without) == ["active", "id", "meta", "schemas", "userName"]


def test_search_with_post_filters_like_get(scim):
    body = created(scim)
    created(scim, "other@city.example.gov")

    found = scim.post(
        "/Users/.search",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": 'userName eq "ana@city.example.gov"',
            "attributes": ["userName"],
        },
    ).json()

    assert found["Resources"] == [
        {"schemas": [USER], "id": body["id"], "userName": body["userName"]}
    ]


def test_put_replaces_the_person_and_clears_what_it_leaves_out(scim, finance):
    body = created(
        scim,
        schemas=[USER, ENTERPRISE],
        **{ENTERPRISE: {"department": "FIN", "employeeNumber": "9"}},
    )

    response = scim.put(
        f"/Users/{body['id']}",
        user_body("ana.silva@city.example.gov", name={"givenName": "Ana Maria"}),
    )

    assert response.status_code == 200
    replaced = response.json()
    assert (replaced["userName"], replaced["name"], replaced["emails"][0]["value"]) == (
        "ana.silva@city.example.gov",
        {"givenName": "Ana Maria"},
        "ana.silva@city.example.gov",
    )
    assert ENTERPRISE not in replaced
    membership = Membership.objects.get(user__email="ana.silva@city.example.gov")
    assert (membership.department, membership.employee_number) == (None, None)


def test_patch_add_replace_remove_with_paths(scim, finance, analyst):
    body = created(scim)
    url = f"/Users/{body['id']}"

    response = scim.patch(
        url,
        {"op": "add", "path": "title", "value": "Data analyst"},
        {"op": "replace", "path": "name.familyName", "value": "Santos"},
        {"op": "add", "path": f"{ENTERPRISE}:department", "value": "FIN"},
        {"op": "remove", "path": "externalId"},
    )

    assert response.status_code == 200
    patched = response.json()
    assert (patched["title"], patched["name"], patched[ENTERPRISE]) == (
        "Data analyst",
        {"givenName": "Ana", "familyName": "Santos"},
        {"department": "FIN"},
    )
    removed = scim.patch(url, {"op": "remove", "path": "title"}).json()
    assert "title" not in removed
    assert Membership.objects.get(user__email="ana@city.example.gov").job_role is None


def test_patch_as_entra_sends_it(scim, finance):
    """Capitalised ops, no path, dotted and URN keys, "False" as a string, a manager as its id
    alone, and the work email through a value filter."""
    manager = created(scim, "mo@city.example.gov")
    body = created(scim)

    response = scim.patch(
        f"/Users/{body['id']}",
        {
            "op": "Replace",
            "value": {
                "name.givenName": "Anabela",
                f"{ENTERPRISE}:department": "FIN",
                "displayName": "Anabela Silva",
            },
        },
        {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager["id"]},
        {
            "op": "Replace",
            "path": 'emails[type eq "work"].value',
            "value": "anabela@city.example.gov",
        },
        {"op": "Replace", "path": "active", "value": "False"},
    )

    assert response.status_code == 200
    patched = response.json()
    assert (patched["name"]["givenName"], patched["active"], patched["emails"]) == (
        "Anabela",
        False,
        [{"value": "anabela@city.example.gov", "type": "work"}],
    )
    assert patched[ENTERPRISE]["department"] == "FIN"
    assert patched[ENTERPRISE]["manager"]["value"] == manager["id"]
    assert User.objects.get(email="anabela@city.example.gov").is_active is False


def test_patch_remove_of_active_is_refused(scim):
    body = created(scim)

    response = scim.patch(f"/Users/{body['id']}", {"op": "remove", "path": "active"})

    assert response.status_code == 400
    assert error_of(response) == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": "400",
        "scimType": "invalidValue",
        "detail": "active cannot be removed; replace it instead.",
    }


def test_an_existing_account_with_the_same_email_is_taken_over(scim):
    person = make_person(email="ana@city.example.gov")

    body = created(scim)

    assert ProvisionedUser.objects.get(scim_id=body["id"]).user == person
    assert User.objects.filter(email="ana@city.example.gov").count() == 1


def test_listing_users_costs_the_same_number_of_queries_for_any_number(
    scim, finance, analyst, django_assert_num_queries
):
    manager = created(scim, "mo@city.example.gov")
    for n in range(3):
        created(
            scim,
            f"p{n}@city.example.gov",
            title="Data analyst",
            schemas=[USER, ENTERPRISE],
            **{ENTERPRISE: {"department": "FIN", "manager": {"value": manager["id"]}}},
        )
    # The token, noting its use, the count, the page, and the page's groups.
    with django_assert_num_queries(5):
        assert scim.get("/Users").json()["totalResults"] == 4
    for n in range(3, 12):
        created(scim, f"p{n}@city.example.gov", title="Data analyst")
    with django_assert_num_queries(5):
        assert scim.get("/Users").json()["totalResults"] == 13
