"""The administrators' cmi5 automation API: who may use it, CSRF, and each call."""

import io
import json

import pytest
from django.test import Client

from cmi5.models import Registration, Session
from packages.models import Package
from tests.cmi5.builders import au, structure, zipped
from tests.factories import make_person
from xapi.models import LrsClient, Statement


@pytest.fixture
def admin_client(administrator):
    client = Client()
    client.force_login(administrator)
    return client


def upload(client, xml: bytes, name: str = "course.zip", **extra):
    data = zipped(xml) if name.endswith(".zip") else io.BytesIO(xml)
    data.name = name
    return client.post("/cmi5/automation/courses", {"package": data}, **extra)


def post(client, path: str, body: dict | None = None, **extra):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **extra)


@pytest.mark.django_db
def test_only_signed_in_administrators_may_use_it(client):
    learner_client = Client()
    learner_client.force_login(make_person())

    anonymous = post(client, "/cmi5/automation/lrs-reader")
    learner = post(learner_client, "/cmi5/automation/lrs-reader")

    assert (anonymous.status_code, anonymous.json()) == (
        401,
        {"error": "Sign in as an administrator first."},
    )
    assert (learner.status_code, learner.json()) == (
        403,
        {"error": "Only administrators may use the cmi5 automation API."},
    )
    assert LrsClient.objects.filter(key="cmi5-automation-reader").exists() is False


@pytest.mark.django_db
def test_a_request_without_the_csrf_token_is_refused(administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)

    refused = post(client, "/cmi5/automation/lrs-reader")

    assert refused.status_code == 403
    assert LrsClient.objects.filter(key="cmi5-automation-reader").exists() is False


@pytest.mark.django_db
def test_import_launch_waive_abandon_and_delete(admin_client):
    imported = upload(admin_client, structure(au("a1", move_on="Passed"), au("a2")))
    course = imported.json()["id"]

    first = post(admin_client, f"/cmi5/automation/courses/{course}/launch-url", {"auIndex": 0})
    registration = Registration.objects.get()
    again = post(
        admin_client,
        f"/cmi5/automation/courses/{course}/launch-url",
        {"auIndex": 1, "registration": str(registration.uuid), "launchMode": "Browse"},
    )
    abandoned_session = Session.objects.order_by("pk").first()
    waived = post(
        admin_client,
        f"/cmi5/automation/registrations/{registration.uuid}/waive",
        {"auIndex": 0, "reason": "Administrative"},
    )
    open_session = Session.objects.order_by("pk").last()
    abandon = post(admin_client, f"/cmi5/automation/sessions/{open_session.uuid}/abandon")
    abandon_again = post(admin_client, f"/cmi5/automation/sessions/{open_session.uuid}/abandon")
    deleted = post(admin_client, f"/cmi5/automation/courses/{course}/delete")

    assert imported.status_code == 201
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["url"].startswith("http://localhost:8000/package-content/")
    assert abandoned_session.abandoned_at is not None  # the second launch ended the first
    assert (waived.status_code, waived.json()) == (
        200,
        {"waived": "https://example.org/cmi5-tests/au/a1"},
    )
    assert (abandon.status_code, abandon_again.status_code) == (200, 409)
    assert abandon_again.json() == {"error": "That session has already ended."}
    assert (deleted.status_code, Package.objects.count()) == (200, 0)
    assert sorted({row.verb_id.rsplit("/", 1)[-1] for row in Statement.objects.all()}) == [
        "abandoned",
        "launched",
        "waived",
    ]


@pytest.mark.django_db
def test_bad_requests_say_what_is_wrong_and_change_nothing(admin_client):
    rejected = upload(admin_client, structure(au("a1", url="index.html")), name="cmi5.xml")
    course = upload(admin_client, structure(au("a1"))).json()["id"]
    no_au = post(admin_client, f"/cmi5/automation/courses/{course}/launch-url", {"auIndex": 4})
    not_theirs = post(
        admin_client,
        f"/cmi5/automation/courses/{course}/launch-url",
        {"auIndex": 0, "registration": "4f0c5a53-7d1e-4be5-9b8e-0e4c3bd5a0a1"},
    )
    bad_json = admin_client.post(
        f"/cmi5/automation/courses/{course}/launch-url", "{", content_type="application/json"
    )

    assert (rejected.status_code, rejected.json()) == (
        400,
        {
            "error": "AU https://example.org/cmi5-tests/au/a1 has the relative URL 'index.html': "
            "a course structure uploaded on its own must give every AU a full URL (https://...). "
            "Upload the zip that holds the files.",
            "rejected": True,
        },
    )
    assert [no_au.json(), not_theirs.json(), bad_json.json()] == [
        {"error": "The course has no AU at index 4."},
        {"error": "That registration is not yours for this course."},
        {"error": "The request body is not valid JSON."},
    ]
    assert (Package.objects.count(), Registration.objects.count(), Statement.objects.count()) == (
        1,
        0,
        0,
    )


@pytest.mark.django_db
def test_the_lrs_reader_gets_read_only_credentials(admin_client):
    answer = post(admin_client, "/cmi5/automation/lrs-reader").json()

    client = LrsClient.objects.get(key=answer["key"])
    assert (
        answer["endpoint"],
        answer["key"],
        client.scopes,
        client.check_secret(answer["secret"]),
    ) == (
        "http://testserver/xapi/",
        "cmi5-automation-reader",
        ["all/read"],
        True,
    )
