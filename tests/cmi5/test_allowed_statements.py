"""cmi5 allowed statements (cmi5 7.1.3): between initialized and terminated an AU may send
statements with any verb about any object, so long as they carry the context template and
leave out the cmi5 category. These are the statements the shipped geology course sends: slide
views, quiz answers and the xAPI video profile's statements, whose initialized and completed
are the video's, not the AU's."""

import base64
import json

import pytest

from cmi5.models import Session
from cmi5.selectors import package_aus
from tests.cmi5.sessions import SESSION_EXT, launch
from xapi.models import Statement

VIDEO = "https://w3id.org/xapi/video"
VIDEO_OBJECT = "https://example.org/geology/video/plate-boundaries"
DURATION = {"duration": "PT4S"}


@pytest.fixture
def started(client, learner, course_package):
    session = launch(client, learner, package_aus(course_package)[0])
    session.start()
    return session


def stored(started) -> list[tuple[str, str]]:
    rows = Statement.objects.filter(registration=started.params["registration"]).order_by("seq")
    return [(row.verb_id.rsplit("/", 1)[-1], row.data["object"]["id"]) for row in rows]


def video(started, verb: str, **result) -> dict:
    """A video profile statement as the geology course builds it."""
    statement = started.statement(verb, result={"extensions": {}})
    statement["object"] = {
        "objectType": "Activity",
        "id": VIDEO_OBJECT,
        "definition": {"type": f"{VIDEO}/activity-type/video", "name": {"en-US": "Plates"}},
    }
    statement["context"]["contextActivities"]["category"] = [{"id": VIDEO}]
    statement["context"]["extensions"][f"{VIDEO}/extensions/length"] = 12.5
    statement["result"].update(result)
    return statement


def slide(started) -> dict:
    statement = started.statement("experienced")
    statement["object"] = {
        "objectType": "Activity",
        "id": started.params["activityId"] + "/slide/2",
        "definition": {"name": {"en-US": "Rocks"}},
    }
    return statement


@pytest.mark.django_db
def test_the_geology_courses_slide_and_video_statements_are_stored_and_count_for_nothing(started):
    au_id = started.params["activityId"]
    sent = [
        started.statement("initialized"),
        slide(started),
        video(started, "initialized"),
        video(started, f"{VIDEO}/verbs/played"),
        video(started, f"{VIDEO}/verbs/paused"),
        video(started, "completed", completion=True, duration="PT12.5S"),
    ]

    answers = [started.send(statement).status_code for statement in sent]

    assert answers == [204, 204, 204, 204, 204, 204]
    assert stored(started)[1:] == [
        ("initialized", au_id),
        ("experienced", au_id + "/slide/2"),
        ("initialized", VIDEO_OBJECT),
        ("played", VIDEO_OBJECT),
        ("paused", VIDEO_OBJECT),
        ("completed", VIDEO_OBJECT),
    ]
    # The video's completed is not the AU's: the AU may still complete, once.
    session = Session.objects.get(
        uuid=started.launch_data["contextTemplate"]["extensions"][SESSION_EXT]
    )
    assert (session.completed, session.passed, session.registration.progress.count()) == (
        False,
        False,
        0,
    )
    completed = started.statement("completed", result={"completion": True, **DURATION}, moveon=True)
    assert started.send(completed).status_code == 204
    session.refresh_from_db()
    assert session.completed is True


@pytest.mark.django_db
def test_a_batch_of_allowed_statements_is_stored_in_one_post(started):
    started.send(started.statement("initialized"))
    batch = [slide(started), video(started, "initialized")]

    answer = started.lrs("post", "/statements", batch)

    assert (answer.status_code, answer.json()) == (200, [batch[0]["id"], batch[1]["id"]])


ALLOWED_REFUSED = [
    (
        "a video statement before the session is initialized",
        False,
        lambda st: video(st, "initialized"),
        "The first statement of a session must be initialized (cmi5 9.3).",
    ),
    (
        "a video statement without the session id",
        True,
        lambda st: {
            **video(st, f"{VIDEO}/verbs/played"),
            "context": {
                **video(st, f"{VIDEO}/verbs/played")["context"],
                "extensions": {f"{VIDEO}/extensions/length": 12.5},
            },
        },
        "The statement must carry the session id from the launch data (cmi5 9.6.3.1).",
    ),
    (
        "a video statement without the registration",
        True,
        lambda st: {
            **video(st, f"{VIDEO}/verbs/played"),
            "context": {
                k: v
                for k, v in video(st, f"{VIDEO}/verbs/played")["context"].items()
                if k != "registration"
            },
        },
        "The statement's registration must be the launch's registration (cmi5 9.6.1).",
    ),
    (
        "a video statement about someone else",
        True,
        lambda st: {
            **video(st, f"{VIDEO}/verbs/played"),
            "actor": {"account": {"homePage": "https://example.org", "name": "someone"}},
        },
        "The actor must be the Agent the launch gave (cmi5 9.2).",
    ),
    (
        "a video completed with the moveOn category",
        True,
        lambda st: st.statement(
            "completed", result={"completion": True}, moveon=True, defined=False
        ),
        "Only completed, passed and failed statements may carry the moveOn category.",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "initialize", "build", "message"), ALLOWED_REFUSED, ids=[c[0] for c in ALLOWED_REFUSED]
)
def test_allowed_statements_still_carry_the_context_template_and_actor(
    started, case, initialize, build, message
):
    if initialize:
        assert started.send(started.statement("initialized")).status_code == 204
    before = stored(started)

    refused = started.send(build(started))

    assert (refused.status_code, refused.json()["error"]["message"]) == (403, message)
    assert stored(started) == before


@pytest.mark.django_db
def test_no_allowed_statement_after_terminated(started):
    started.send(started.statement("initialized"))
    started.send(started.statement("terminated", result=DURATION))

    refused = started.send(video(started, f"{VIDEO}/verbs/paused"))

    assert (refused.status_code, refused.json()["error"]["message"]) == (
        403,
        "This launch session has ended; its credentials no longer work.",
    )


@pytest.mark.django_db
def test_an_empty_batch_gets_the_same_answer_on_the_content_origin_as_on_the_lrs(client, started):
    from xapi.services import lrs_client_upsert

    lrs_client_upsert(name="Reporting", key="report-key", secret="report-secret-1", scopes=["all"])
    token = base64.b64encode(b"report-key:report-secret-1").decode()
    started.send(started.statement("initialized"))
    before = stored(started)

    on_content = started.lrs("post", "/statements", [])
    on_lrs = client.post(
        "/xapi/statements",
        data=json.dumps([]),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {token}",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )

    answer = (400, {"error": {"code": 400, "message": "The request contains no statements."}})
    assert (on_content.status_code, on_content.json()) == answer
    assert (on_lrs.status_code, on_lrs.json()) == answer
    assert stored(started) == before
