"""Launching an AU: the launch URL, the one-time fetch, LMS.LaunchData, the learner's
preferences and the launched statement."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from cmi5.models import Registration, Session
from cmi5.selectors import package_aus
from tests.cmi5.sessions import CONTENT_HOST, MASTERY_EXT, SESSION_EXT, launch
from xapi.models import Document, LearnerIdentity, Statement


@pytest.mark.django_db
def test_the_launch_url_names_the_au_on_the_content_origin_with_cmi5s_parameters(
    client, learner, course_package
):
    first = package_aus(course_package)[0]

    started = launch(client, learner, first)

    registration = Registration.objects.get(user=learner)
    session = Session.objects.get(registration=registration)
    parts = urlsplit(started.url)
    query = parse_qs(parts.query)
    identity = LearnerIdentity.objects.get(user=learner)
    actor = {
        "objectType": "Agent",
        "account": {"homePage": "http://127.0.0.1:8000", "name": str(identity.account_name)},
    }
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        f"http://localhost:8000/package-content/{course_package.uuid}/index.html"
    )
    params = {name: values[0] for name, values in query.items()}
    assert {**params, "actor": json.loads(params["actor"])} == {
        "lang": "en",
        "endpoint": "http://localhost:8000/package-content/cmi5/xapi",
        "fetch": f"http://localhost:8000/package-content/cmi5/fetch/{session.fetch_token}",
        "actor": actor,
        "registration": str(registration.uuid),
        "activityId": f"http://127.0.0.1:8000/xapi/activities/cmi5-au/{first.uuid}",
    }


@pytest.mark.django_db
def test_the_fetch_url_gives_credentials_once_then_cmi5s_error(client, learner, course_package):
    started = launch(client, learner, package_aus(course_package)[0])
    fetch_path = urlsplit(started.params["fetch"]).path

    first = started.fetch()
    second = started.fetch()
    read = client.get(fetch_path, HTTP_HOST=CONTENT_HOST)
    unknown = client.post("/package-content/cmi5/fetch/unknown", HTTP_HOST=CONTENT_HOST)
    on_platform = client.post(fetch_path)

    assert (first.status_code, first["Content-Type"], sorted(first.json())) == (
        200,
        "application/json",
        ["auth-token"],
    )
    assert (second.status_code, second.json()) == (
        200,
        {"error-code": "1", "error-text": "This fetch URL has already been used."},
    )
    assert unknown.json() == {"error-code": "3", "error-text": "This fetch URL is not known."}
    assert (read.status_code, on_platform.status_code) == (405, 404)


@pytest.mark.django_db
def test_launch_data_and_learner_preferences_are_in_the_lrs_document_store(
    client, learner, course_package
):
    started = launch(client, learner, package_aus(course_package)[0])
    started.start()

    session = Session.objects.get()
    assert started.launch_data == {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": "https://example.org/cmi5-tests/au/a1"}]},
            "extensions": {SESSION_EXT: str(session.uuid)},
        },
        "launchMode": "Normal",
        "launchMethod": "AnyWindow",
        "launchParameters": "level=2",
        "masteryScore": 0.8,
        "moveOn": "CompletedAndPassed",
        "entitlementKey": {"courseStructure": "licence-7"},
        "returnURL": "http://127.0.0.1:8000/lesson/",
    }
    preferences = started.lrs(
        "get", "/agents/profile", profileId="cmi5LearnerPreferences", agent=started.params["actor"]
    )
    assert preferences.json() == {"languagePreference": "en-gb", "audioPreference": "on"}
    assert preferences["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_lms_records_launched_before_the_au_runs(client, learner, course_package):
    first = package_aus(course_package)[0]
    started = launch(client, learner, first, launch_mode="Browse")

    session = Session.objects.get()
    launched = Statement.objects.get(registration=session.registration.uuid).data
    assert launched["verb"]["id"] == "http://adlnet.gov/expapi/verbs/launched"
    assert launched["actor"] == started.actor
    assert launched["object"]["id"] == started.params["activityId"]
    assert launched["context"]["contextActivities"] == {
        "category": [
            {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5", "objectType": "Activity"}
        ],
        "grouping": [{"id": "https://example.org/cmi5-tests/au/a1", "objectType": "Activity"}],
    }
    assert launched["context"]["extensions"] == {
        SESSION_EXT: str(session.uuid),
        "https://w3id.org/xapi/cmi5/context/extensions/launchmode": "Browse",
        "https://w3id.org/xapi/cmi5/context/extensions/launchurl": (
            f"http://localhost:8000/package-content/{course_package.uuid}/index.html?lang=en"
        ),
        "https://w3id.org/xapi/cmi5/context/extensions/moveon": "CompletedAndPassed",
        "https://w3id.org/xapi/cmi5/context/extensions/launchparameters": "level=2",
        MASTERY_EXT: 0.8,
    }


@pytest.mark.django_db
def test_a_preview_records_nothing_about_the_reviewer(client, learner, course_package):
    started = launch(client, learner, package_aus(course_package)[0], preview=True)
    started.start()

    registration = Registration.objects.get()
    assert (registration.preview, registration.user, started.actor["account"]["homePage"]) == (
        True,
        None,
        "http://127.0.0.1:8000/cmi5/preview",
    )
    assert started.actor["account"]["name"].startswith("preview-")
    assert LearnerIdentity.objects.filter(user=learner).exists() is False
    assert Statement.objects.count() == 0
    assert Document.objects.filter(agent_key__contains="preview-").count() == 2


@pytest.mark.django_db
def test_an_unknown_launch_mode_is_refused_and_writes_nothing(learner, course_package):
    from cmi5.services import LaunchRefused, au_launch

    with pytest.raises(LaunchRefused) as refused:
        au_launch(
            user=learner, au=package_aus(course_package)[0], return_url="", launch_mode="Fast"
        )

    assert refused.value.message == "Unknown launch mode 'Fast': use Normal, Browse or Review."
    assert (Registration.objects.count(), Session.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_fetch_url_expires_and_an_abandoned_launch_gives_no_credentials(
    client, learner, course_package
):
    first = launch(client, learner, package_aus(course_package)[0])
    second = launch(client, learner, package_aus(course_package)[0])  # abandons the first
    Session.objects.filter(pk=Session.objects.order_by("pk").last().pk).update(
        launched_at=timezone.now() - timedelta(minutes=16)
    )

    expired = {"error-code": "2", "error-text": "This launch has expired; launch the AU again."}
    assert (first.fetch().json(), second.fetch().json()) == (expired, expired)


@pytest.mark.django_db
def test_aus_hosted_elsewhere_may_call_the_session_endpoint_but_not_the_platforms_lrs(
    client, learner, course_package
):
    started = launch(client, learner, package_aus(course_package)[0])
    preflight = client.options(
        "/package-content/cmi5/xapi/statements",
        HTTP_HOST=CONTENT_HOST,
        HTTP_ORIGIN="https://cdn.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
    )
    fetched = client.post(
        urlsplit(started.params["fetch"]).path,
        HTTP_HOST=CONTENT_HOST,
        HTTP_ORIGIN="https://cdn.example.org",
    )
    platform = client.options("/xapi/statements", HTTP_ORIGIN="https://cdn.example.org")

    assert (preflight.status_code, dict(preflight.headers)) == (
        204,
        {
            **dict(preflight.headers),
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "GET, HEAD, PUT, POST, DELETE",
            "Access-Control-Allow-Headers": (
                "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match"
            ),
        },
    )
    assert (fetched["Access-Control-Allow-Origin"], sorted(fetched.json())) == ("*", ["auth-token"])
    assert (platform.status_code, "Access-Control-Allow-Origin" in platform) == (400, False)
