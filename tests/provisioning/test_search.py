"""POST /scim/v2/.search: one SearchRequest over Users and Groups together (RFC 7644 §3.4.3)."""

import pytest

from provisioning.services import provisioning_token_create
from tests.provisioning.conftest import GROUP, USER, ScimClient, error_of, user_body

SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


def search(scim, **request):
    return scim.post("/.search", {"schemas": [SEARCH], **request})


def found(response) -> list[tuple[str, str]]:
    """(resource type, userName or displayName) of each resource in a 200 list response."""
    assert response.status_code == 200, response.content
    return [
        (
            "User" if USER in resource["schemas"] else "Group",
            resource.get("userName") or resource.get("displayName"),
        )
        for resource in response.json()["Resources"]
    ]


@pytest.fixture
def directory(scim):
    """Two people and two groups, created in an order that differs from the listing's."""
    ana = scim.post("/Users", user_body("ana@city.example.gov")).json()
    analysts = scim.post(
        "/Groups",
        {"schemas": [GROUP], "displayName": "Analysts", "members": [{"value": ana["id"]}]},
    ).json()
    bo = scim.post("/Users", user_body("bo@city.example.gov")).json()
    leads = scim.post("/Groups", {"schemas": [GROUP], "displayName": "Leads"}).json()
    return {"ana": ana, "bo": bo, "analysts": analysts, "leads": leads}


def test_search_lists_people_then_groups_with_the_total_of_both(scim, directory):
    response = search(scim)

    body = response.json()
    assert (body["schemas"], body["totalResults"], body["startIndex"], body["itemsPerPage"]) == (
        [LIST],
        4,
        1,
        4,
    )
    assert found(response) == [
        ("User", "ana@city.example.gov"),
        ("User", "bo@city.example.gov"),
        ("Group", "Analysts"),
        ("Group", "Leads"),
    ]
    assert body["Resources"][0] == scim.get(f"/Users/{directory['ana']['id']}").json()
    assert body["Resources"][2] == scim.get(f"/Groups/{directory['analysts']['id']}").json()


@pytest.mark.parametrize(
    ("start_index", "count", "expected"),
    [
        (2, 2, [("User", "bo@city.example.gov"), ("Group", "Analysts")]),
        (3, 10, [("Group", "Analysts"), ("Group", "Leads")]),
        (1, 1, [("User", "ana@city.example.gov")]),
        (4, 1, [("Group", "Leads")]),
        (5, 10, []),
        (1, 0, []),
    ],
)
def test_pages_run_across_the_two_types_in_one_stable_order(
    scim, directory, start_index, count, expected
):
    response = search(scim, startIndex=start_index, count=count)

    assert found(response) == expected
    body = response.json()
    assert (body["totalResults"], body["startIndex"], body["itemsPerPage"]) == (
        4,
        start_index,
        len(expected),
    )


@pytest.mark.parametrize(
    ("filter_text", "expected"),
    [
        # Each side of the "or" names an attribute of one type only.
        (
            'userName eq "bo@city.example.gov" or displayName eq "leads"',
            [("User", "bo@city.example.gov"), ("Group", "Leads")],
        ),
        ('displayName sw "A"', [("Group", "Analysts")]),
        (
            'emails[type eq "work" and value ew "ana@city.example.gov"]',
            [("User", "ana@city.example.gov")],
        ),
        # A comparison on an attribute a type lacks is false there, so its negation is true.
        (
            'not (displayName eq "Analysts")',
            [("User", "ana@city.example.gov"), ("User", "bo@city.example.gov"), ("Group", "Leads")],
        ),
        ('meta.resourceType eq "Group"', [("Group", "Analysts"), ("Group", "Leads")]),
        ("externalId pr", []),
        (f'{USER}:userName eq "ana@city.example.gov"', [("User", "ana@city.example.gov")]),
    ],
)
def test_the_filter_applies_to_each_type_and_an_attribute_it_lacks_matches_nothing(
    scim, directory, filter_text, expected
):
    response = search(scim, filter=filter_text)

    assert found(response) == expected
    assert response.json()["totalResults"] == len(expected)


def test_a_filter_on_a_members_id_finds_the_groups_that_hold_the_person(scim, directory):
    response = search(scim, filter=f'members.value eq "{directory["ana"]["id"]}"')

    assert found(response) == [("Group", "Analysts")]


def test_attributes_keep_what_each_type_has_of_them(scim, directory):
    response = search(scim, attributes=["userName", "displayName"], count=3)

    assert response.json()["Resources"] == [
        {"schemas": [USER], "id": directory["ana"]["id"], "userName": "ana@city.example.gov"},
        {"schemas": [USER], "id": directory["bo"]["id"], "userName": "bo@city.example.gov"},
        {"schemas": [GROUP], "id": directory["analysts"]["id"], "displayName": "Analysts"},
    ]


def test_excluded_attributes_drop_what_each_type_has_of_them(scim, directory):
    response = search(scim, excludedAttributes=["meta", "members", "groups", "emails", "name"])

    assert [sorted(resource) for resource in response.json()["Resources"]] == [
        ["active", "id", "schemas", "userName"],
        ["active", "id", "schemas", "userName"],
        ["displayName", "id", "schemas"],
        ["displayName", "id", "schemas"],
    ]


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        (
            ["users:read"],
            [("User", "ana@city.example.gov"), ("User", "bo@city.example.gov")],
        ),
        (["groups:read", "groups:write"], [("Group", "Analysts"), ("Group", "Leads")]),
    ],
)
def test_a_token_searches_only_the_types_it_may_read(directory, scopes, expected):
    _, secret = provisioning_token_create(name="Limited", scopes=scopes)

    response = search(ScimClient(secret))

    assert found(response) == expected
    assert response.json()["totalResults"] == 2


def test_a_filter_on_a_type_the_token_may_not_read_is_valid_and_matches_nothing(directory):
    _, secret = provisioning_token_create(name="People only", scopes=["users:read"])

    response = search(ScimClient(secret), filter='displayName eq "Analysts"')

    assert (found(response), response.json()["totalResults"]) == ([], 0)


def test_a_token_that_may_read_neither_type_is_refused(db):
    _, secret = provisioning_token_create(name="Writer", scopes=["users:write", "groups:write"])

    response = search(ScimClient(secret))

    assert response.status_code == 403
    assert error_of(response)["detail"] == (
        "This token lacks the scopes users:read and groups:read."
    )


def error(response) -> tuple[int, str | None, str]:
    body = error_of(response)
    return response.status_code, body.get("scimType"), body["detail"]


def test_malformed_json_is_invalid_syntax(scim):
    response = scim.post("/.search", raw=b'{"schemas": [')

    assert error(response) == (400, "invalidSyntax", "The request body is not valid JSON.")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            ["not", "an", "object"],
            (400, "invalidSyntax", "The request body must be a JSON object."),
        ),
        (
            {"filter": 'userName eq "ana@city.example.gov"'},
            (400, "invalidSyntax", f'"schemas" must be a list that includes "{SEARCH}".'),
        ),
        (
            {"schemas": [USER]},
            (400, "invalidValue", f'"schemas" must include "{SEARCH}".'),
        ),
        (
            {"schemas": [SEARCH, "urn:example:custom"]},
            (400, "invalidValue", "Unknown schema: urn:example:custom."),
        ),
        (
            {"schemas": [SEARCH], "filter": 'userName eq "ana'},
            (400, "invalidFilter", "The filter cannot be read near: ' \"ana'"),
        ),
        (
            {"schemas": [SEARCH], "filter": "userName eq ana"},
            (
                400,
                "invalidFilter",
                "'ana' is not a value: quote strings, as in userName eq \"ana\".",
            ),
        ),
        (
            {"schemas": [SEARCH], "filter": 'userName is "ana"'},
            (400, "invalidFilter", "Unknown filter operator 'is'."),
        ),
        (
            {"schemas": [SEARCH], "filter": 'nickName eq "ana" or displayName eq "Leads"'},
            (400, "invalidFilter", "Filtering on 'nickname' is not supported."),
        ),
        (
            {"schemas": [SEARCH], "filter": 'active eq "perhaps"'},
            (400, "invalidFilter", "'active' is true or false."),
        ),
        (
            {"schemas": [SEARCH], "filter": 42},
            (400, "invalidValue", "filter must be a string."),
        ),
        (
            {"schemas": [SEARCH], "count": "ten"},
            (400, "invalidValue", "count must be a whole number."),
        ),
        (
            {"schemas": [SEARCH], "attributes": [1]},
            (
                400,
                "invalidValue",
                "attributes and excludedAttributes are lists of attribute names.",
            ),
        ),
    ],
)
def test_bad_search_requests_get_a_scim_400_that_says_what_is_wrong(
    scim, directory, body, expected
):
    response = scim.post("/.search", body)

    assert error(response) == expected


def test_search_is_a_post(scim):
    response = scim.get("/.search")

    assert error(response) == (405, None, "GET is not allowed here.")


def test_search_without_a_token_is_a_401(db):
    response = search(ScimClient(None))

    assert error(response) == (401, None, "A bearer token is required.")


def test_a_search_page_costs_a_fixed_number_of_queries_for_any_number_of_resources(
    scim, directory, django_assert_max_num_queries
):
    # The token, noting its use, two counts, and per type its page and what the page refers to.
    with django_assert_max_num_queries(8):
        assert search(scim, startIndex=2, count=2).json()["itemsPerPage"] == 2
    for n in range(10):
        person = scim.post("/Users", user_body(f"p{n}@city.example.gov")).json()
        scim.post(
            "/Groups",
            {"schemas": [GROUP], "displayName": f"Team {n}", "members": [{"value": person["id"]}]},
        )
    with django_assert_max_num_queries(8):
        body = search(scim, startIndex=5, count=200).json()
    assert (body["totalResults"], body["itemsPerPage"]) == (24, 20)
