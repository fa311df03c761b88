"""The Activities and Agents resources."""

import json

import pytest

from tests.xapi.lrs import statement

pytestmark = pytest.mark.django_db

ACTIVITY = "https://example.org/course/9"


def test_activity_definition_is_the_latest_merged_from_statements(lrs):
    lrs.post_statements(
        statement(object={"id": ACTIVITY, "definition": {"name": {"en-GB": "Data 101"}}})
    )
    lrs.post_statements(
        statement(
            object={
                "id": ACTIVITY,
                "definition": {
                    "name": {"fr-FR": "Données 101"},
                    "type": "http://adlnet.gov/expapi/activities/course",
                },
            }
        )
    )

    body = lrs.get("activities", params={"activityId": ACTIVITY}).json()

    assert body == {
        "objectType": "Activity",
        "id": ACTIVITY,
        "definition": {
            "name": {"en-GB": "Data 101", "fr-FR": "Données 101"},
            "type": "http://adlnet.gov/expapi/activities/course",
        },
    }


def test_unknown_activity_is_returned_bare(lrs):
    assert lrs.get("activities", params={"activityId": ACTIVITY}).json() == {
        "objectType": "Activity",
        "id": ACTIVITY,
    }


def test_activities_needs_an_activity_id(lrs):
    response = lrs.get("activities")

    assert response.status_code == 400
    assert "activityId" in response.json()["error"]["message"]


def test_agents_returns_a_person(lrs):
    agent = {"objectType": "Agent", "name": "Ana", "mbox": "mailto:ana@example.org"}

    body = lrs.get("agents", params={"agent": json.dumps(agent)}).json()

    assert body == {"objectType": "Person", "name": ["Ana"], "mbox": ["mailto:ana@example.org"]}


def test_agents_refuses_a_bad_agent(lrs):
    response = lrs.get("agents", params={"agent": json.dumps({"name": "no identifier"})})

    assert response.status_code == 400
    assert "exactly one identifier" in response.json()["error"]["message"]
