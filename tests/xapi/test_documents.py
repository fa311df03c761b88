"""The document resources: state, activity profile and agent profile."""

import json

import pytest

from xapi.models import Document

pytestmark = pytest.mark.django_db

AGENT = json.dumps({"objectType": "Agent", "mbox": "mailto:ana@example.org"})
ACTIVITY = "https://example.org/course/1"
STATE = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}
PROFILE = {"activityId": ACTIVITY, "profileId": "settings"}
AGENT_PROFILE = {"agent": AGENT, "profileId": "preferences"}


def test_state_put_get_and_etag(lrs):
    put = lrs.put("activities/state", params=STATE, json={"page": 3})
    got = lrs.get("activities/state", params=STATE)

    assert put.status_code == 204
    assert got.json() == {"page": 3}
    assert got.headers["ETag"].startswith('"')
    assert got.headers["ETag"].endswith('"')
    assert got.headers["Last-Modified"].endswith("GMT")


def test_state_post_merges_json_objects(lrs):
    lrs.post("activities/state", params=STATE, json={"page": 3, "font": "large"})
    lrs.post("activities/state", params=STATE, json={"page": 4})

    assert lrs.get("activities/state", params=STATE).json() == {"page": 4, "font": "large"}


def test_post_cannot_merge_into_a_document_that_is_not_json(lrs):
    lrs.put("activities/state", params=STATE, data=b"plain", headers={"Content-Type": "text/plain"})

    response = lrs.post("activities/state", params=STATE, json={"page": 1})

    assert response.status_code == 400
    assert "merges JSON objects" in response.json()["error"]["message"]
    assert lrs.get("activities/state", params=STATE).content == b"plain"


def test_state_ids_list_and_since(lrs):
    lrs.put("activities/state", params=STATE, json={})
    lrs.put("activities/state", params={**STATE, "stateId": "progress"}, json={})

    ids = lrs.get("activities/state", params={"activityId": ACTIVITY, "agent": AGENT}).json()
    later = lrs.get(
        "activities/state",
        params={"activityId": ACTIVITY, "agent": AGENT, "since": "2999-01-01T00:00:00Z"},
    ).json()

    assert ids == ["bookmark", "progress"]
    assert later == []


def test_registration_separates_state(lrs):
    registration = "0a2d8a3c-7bfe-4b0e-9e1f-4b8a7b1c2d3e"
    lrs.put("activities/state", params={**STATE, "registration": registration}, json={"a": 1})

    assert lrs.get("activities/state", params=STATE).status_code == 404
    assert lrs.get("activities/state", params={**STATE, "registration": registration}).json() == {
        "a": 1
    }


def test_state_delete_one_or_all(lrs):
    lrs.put("activities/state", params=STATE, json={})
    lrs.put("activities/state", params={**STATE, "stateId": "other"}, json={})

    lrs.delete("activities/state", params=STATE)
    assert Document.objects.count() == 1
    lrs.delete("activities/state", params={"activityId": ACTIVITY, "agent": AGENT})
    assert Document.objects.count() == 0


def test_if_match_with_a_stale_etag_is_refused_and_changes_nothing(lrs):
    lrs.put("activities/profile", params=PROFILE, json={"v": 1}, headers={"If-None-Match": "*"})

    response = lrs.put(
        "activities/profile", params=PROFILE, json={"v": 2}, headers={"If-Match": '"stale"'}
    )

    assert response.status_code == 412
    assert lrs.get("activities/profile", params=PROFILE).json() == {"v": 1}


def test_if_match_with_the_current_etag_overwrites(lrs):
    lrs.put("activities/profile", params=PROFILE, json={"v": 1}, headers={"If-None-Match": "*"})
    etag = lrs.get("activities/profile", params=PROFILE).headers["ETag"]

    response = lrs.put(
        "activities/profile", params=PROFILE, json={"v": 2}, headers={"If-Match": etag}
    )

    assert response.status_code == 204
    assert lrs.get("activities/profile", params=PROFILE).json() == {"v": 2}


def test_if_none_match_star_refuses_to_overwrite(lrs):
    lrs.put("agents/profile", params=AGENT_PROFILE, json={"v": 1}, headers={"If-None-Match": "*"})

    response = lrs.put(
        "agents/profile", params=AGENT_PROFILE, json={"v": 2}, headers={"If-None-Match": "*"}
    )

    assert response.status_code == 412
    assert lrs.get("agents/profile", params=AGENT_PROFILE).json() == {"v": 1}


def test_profile_put_without_precondition_creates_but_never_overwrites(lrs):
    created = lrs.put("agents/profile", params=AGENT_PROFILE, json={"v": 1})
    overwritten = lrs.put("agents/profile", params=AGENT_PROFILE, json={"v": 2})

    assert created.status_code == 204
    assert overwritten.status_code == 409
    assert "If-Match" in overwritten.json()["error"]["message"]
    assert lrs.get("agents/profile", params=AGENT_PROFILE).json() == {"v": 1}


def test_state_overwrite_needs_a_precondition_only_in_xapi_2(lrs, lrs2):
    lrs.put("activities/state", params=STATE, json={"v": 1})

    assert lrs.put("activities/state", params=STATE, json={"v": 2}).status_code == 204
    assert lrs2.put("activities/state", params=STATE, json={"v": 3}).status_code == 409


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        (
            "activities/state",
            {"activityId": ACTIVITY, "stateId": "x"},
            "agent parameter is required",
        ),
        ("activities/state", {"agent": AGENT, "stateId": "x"}, "activityId parameter is required"),
        ("activities/state", {**STATE, "agent": "{bad"}, "agent must be a JSON Agent"),
        ("activities/state", {**STATE, "activityId": "not an iri"}, "activityId"),
        ("activities/state", {**STATE, "registration": "nope"}, "registration must be a UUID"),
        ("activities/profile", {**PROFILE, "agent": AGENT}, "Unknown parameters: agent"),
    ],
)
def test_bad_document_requests_are_refused(lrs, path, params, message):
    response = lrs.get(path, params=params)

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_document_declared_as_json_must_be_json(lrs):
    response = lrs.put(
        "activities/state",
        params=STATE,
        data=b"{broken",
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert Document.objects.count() == 0


def test_binary_documents_keep_their_content_type(lrs):
    lrs.put(
        "activities/state",
        params=STATE,
        data=b"\x00\x01\x02",
        headers={"Content-Type": "application/octet-stream"},
    )

    got = lrs.get("activities/state", params=STATE)

    assert got.content == b"\x00\x01\x02"
    assert got.headers["Content-Type"] == "application/octet-stream"


def test_missing_document_is_404(lrs):
    assert lrs.get("activities/profile", params=PROFILE).status_code == 404
