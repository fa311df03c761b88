"""SCIM Groups: Django groups; the groups named for the platform's roles grant those roles."""

import pytest
from django.contrib.auth.models import Group

from accounts.audit import audit_entries
from accounts.models import User
from tests.factories import make_person
from tests.provisioning.conftest import GROUP, error_of, user_body


@pytest.fixture
def people(scim):
    return [
        scim.post("/Users", user_body(f"{name}@city.example.gov")).json()
        for name in ("ana", "bo", "cy")
    ]


def member(person: dict) -> dict:
    return {"value": person["id"], "type": "User"}


def group_body(name: str, *members: dict) -> dict:
    return {"schemas": [GROUP], "displayName": name, "members": list(members)}


def names_of_groups(email: str) -> list[str]:
    return sorted(User.objects.get(email=email).groups.values_list("name", flat=True))


def test_create_group_with_members(scim, people):
    response = scim.post("/Groups", group_body("Finance analysts", member(people[0])))

    assert response.status_code == 201
    body = response.json()
    assert (body["displayName"], body["members"]) == (
        "Finance analysts",
        [{"value": people[0]["id"], "$ref": people[0]["meta"]["location"], "type": "User"}],
    )
    assert names_of_groups("ana@city.example.gov") == ["Finance analysts", "Learner"]
    entry = audit_entries().filter(action="lms.roles.change").first()
    assert (entry.object_id, entry.data["after"]) == (
        str(User.objects.get(email="ana@city.example.gov").pk),
        {"groups": ["Finance analysts", "Learner"]},
    )
    user = scim.get(f"/Users/{people[0]['id']}").json()
    assert user["groups"] == [
        {"value": body["id"], "$ref": body["meta"]["location"], "display": "Finance analysts"}
    ]


def test_a_group_named_for_a_role_grants_the_role_and_is_audited(scim, people, scim_token):
    response = scim.post("/Groups", group_body("cto office", member(people[1])))

    assert response.json()["displayName"] == "CTO office"
    assert names_of_groups("bo@city.example.gov") == ["CTO office", "Learner"]
    entry = audit_entries().filter(action="lms.roles.change").first()
    assert entry.data == {
        "before": {"roles": ["Learner"], "is_superuser": False},
        "after": {"roles": ["Learner", "CTO office"], "is_superuser": False},
        "via": scim_token.name,
    }


def test_patch_adds_and_removes_members_as_entra_sends_them(scim, people):
    group = scim.post("/Groups", group_body("Training lead", member(people[0]))).json()

    response = scim.patch(
        f"/Groups/{group['id']}",
        {"op": "Add", "path": "members", "value": [{"value": people[1]["id"]}]},
        {"op": "Remove", "path": "members", "value": [{"value": people[0]["id"]}]},
    )
    filtered = scim.patch(
        f"/Groups/{group['id']}",
        {"op": "add", "path": "members", "value": [member(people[2])]},
        {"op": "remove", "path": f'members[value eq "{people[1]["id"]}"]'},
    )

    assert [m["value"] for m in response.json()["members"]] == [people[1]["id"]]
    assert [m["value"] for m in filtered.json()["members"]] == [people[2]["id"]]
    assert [names_of_groups(f"{n}@city.example.gov") for n in ("ana", "bo", "cy")] == [
        ["Learner"],
        ["Learner"],
        ["Learner", "Training lead"],
    ]


def test_put_replaces_name_and_members(scim, people):
    group = scim.post("/Groups", group_body("Analysts", member(people[0]))).json()

    response = scim.put(f"/Groups/{group['id']}", group_body("Data people", member(people[1])))

    assert (response.json()["displayName"], [m["value"] for m in response.json()["members"]]) == (
        "Data people",
        [people[1]["id"]],
    )
    assert not Group.objects.filter(name="Analysts").exists()


def test_people_not_provisioned_stay_in_a_role_group_and_are_not_shown(scim, people):
    admin_given = make_person(roles=["Learner", "Training lead"])
    group = scim.post("/Groups", group_body("Training lead", member(people[0]))).json()

    replaced = scim.put(f"/Groups/{group['id']}", group_body("Training lead"))

    assert "members" not in replaced.json()
    assert names_of_groups(admin_given.email) == ["Learner", "Training lead"]
    assert names_of_groups("ana@city.example.gov") == ["Learner"]


def test_a_role_group_keeps_its_name(scim):
    group = scim.post("/Groups", group_body("Administrator")).json()

    response = scim.patch(
        f"/Groups/{group['id']}", {"op": "replace", "path": "displayName", "value": "Admins"}
    )

    assert response.status_code == 400
    assert error_of(response)["detail"] == "The group of the role 'Administrator' keeps its name."


def test_delete_a_role_group_takes_the_role_from_its_provisioned_members_only(scim, people):
    kept = make_person(roles=["Learner", "Department lead"])
    group = scim.post("/Groups", group_body("Department lead", member(people[0]))).json()

    assert scim.delete(f"/Groups/{group['id']}").status_code == 204

    assert scim.get(f"/Groups/{group['id']}").status_code == 404
    assert names_of_groups("ana@city.example.gov") == ["Learner"]
    assert names_of_groups(kept.email) == ["Department lead", "Learner"]
    assert Group.objects.filter(name="Department lead").exists()


def test_delete_a_plain_group_deletes_it(scim, people):
    group = scim.post("/Groups", group_body("Book club", member(people[0]))).json()

    scim.delete(f"/Groups/{group['id']}")

    assert not Group.objects.filter(name="Book club").exists()
    assert names_of_groups("ana@city.example.gov") == ["Learner"]


def test_list_groups_filters_by_display_name_and_member(scim, people):
    analysts = scim.post("/Groups", group_body("Analysts", member(people[0]))).json()
    scim.post("/Groups", group_body("Leads", member(people[1])))

    by_name = scim.get("/Groups", filter='displayName eq "analysts"').json()
    by_member = scim.get("/Groups", filter=f'members[value eq "{people[0]["id"]}"]').json()

    assert [g["id"] for g in by_name["Resources"]] == [analysts["id"]]
    assert [g["id"] for g in by_member["Resources"]] == [analysts["id"]]


def test_listing_groups_costs_the_same_number_of_queries_for_any_number(
    scim, people, django_assert_num_queries
):
    scim.post("/Groups", group_body("One", *map(member, people)))
    # The token, noting its use, the count, the page, and the page's members.
    with django_assert_num_queries(5):
        assert scim.get("/Groups").json()["totalResults"] == 1
    for n in range(5):
        scim.post("/Groups", group_body(f"Group {n}", *map(member, people)))
    with django_assert_num_queries(5):
        assert scim.get("/Groups").json()["totalResults"] == 6


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (group_body(""), 400, "displayName is required."),
        (
            group_body("Nested", {"value": "x", "type": "Group"}),
            400,
            "A group's members are people: groups cannot contain groups.",
        ),
        (
            group_body("Ghosts", {"value": "4f7c3a52-8c64-4a47-9a3d-6f0f1d6a3b10"}),
            400,
            "No user has the id '4f7c3a52-8c64-4a47-9a3d-6f0f1d6a3b10' (members).",
        ),
    ],
)
def test_bad_groups_are_refused_and_write_nothing(scim, body, status, detail):
    before = Group.objects.count()

    response = scim.post("/Groups", body)

    assert (response.status_code, error_of(response)["detail"]) == (status, detail)
    assert Group.objects.count() == before


def test_a_group_name_in_use_is_a_409(scim):
    scim.post("/Groups", group_body("Analysts"))

    response = scim.post("/Groups", group_body("Analysts"))

    assert (response.status_code, error_of(response)["scimType"]) == (409, "uniqueness")
