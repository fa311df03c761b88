"""The player on the content origin: launch, resume, commits good and bad, preview."""

import pytest

from scorm.models import Attempt, ScoState
from scorm.services import LaunchRefused, sco_launch
from tests.scorm.conftest import CONTENT, PLATFORM
from tests.scorm.helpers import cmi12, content_client, open_player, post_commit
from xapi.models import Statement

pytestmark = pytest.mark.django_db
RETURN = f"{PLATFORM}/courses/tiny/lesson/"


@pytest.fixture
def tiny(scorm_import):
    return scorm_import("tiny-scorm12")


def launch(user, package, **options):
    return sco_launch(user=user, package=package, return_url=RETURN, **options)


def test_launch_opens_the_player_on_the_content_origin_with_an_attempt_token(tiny, scorm_learner):
    url = launch(scorm_learner, tiny)
    attempt = Attempt.objects.get()
    assert url == f"{CONTENT}/package-content/scorm/{attempt.token}/?sco=quiz"
    assert (attempt.number, len(attempt.token), attempt.return_url) == (1, 43, RETURN)
    response, settings = open_player(url)
    html = response.content.decode()
    sco = tiny.scos.get()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Tiny quiz</h1>' in html
    assert f'<a href="{RETURN}" class="govuk-back-link">Back to the lesson</a>' in html
    assert "This course needs JavaScript to run and to record your progress." in html
    assert f'data-src="{CONTENT}/package-content/{tiny.uuid}/index.html"' in html
    learner_id = settings["cmi"]["core"]["student_id"]
    assert settings == {
        "version": "1.2",
        "cmi": {
            "core": {
                "student_id": learner_id,
                "student_name": "Learner",
                "lesson_location": "",
                "lesson_status": "not attempted",
                "score": {},
                "credit": "credit",
                "lesson_mode": "normal",
                "entry": "ab-initio",
                "total_time": "0000:00:00",
            },
            "suspend_data": "",
            "launch_data": "",
            "student_data": {
                "mastery_score": "80",
                "max_time_allowed": "",
                "time_limit_action": "",
            },
        },
        "commitUrl": f"/package-content/scorm/{attempt.token}/commit/{sco.uuid}/",
        "navigationUrl": f"/package-content/scorm/{attempt.token}/navigation/?sco=quiz",
        "returnUrl": RETURN,
        "previousUrl": None,
        "nextUrl": None,
        "choiceUrls": {},
    }
    # The learner's account name, never their name or email.
    assert scorm_learner.email not in html
    assert scorm_learner.last_name not in html


def test_player_and_commit_do_not_answer_on_the_platform_origin(tiny, scorm_learner):
    url = launch(scorm_learner, tiny)
    path = url.removeprefix(CONTENT)
    assert content_client().get(path).status_code == 200
    from django.test import Client

    platform = Client(HTTP_HOST="127.0.0.1:8000")
    assert platform.get(path).status_code == 404


def test_commit_stores_the_cmi_data_and_the_columns_rollup_reads(tiny, scorm_learner):
    _, settings = open_player(launch(scorm_learner, tiny))
    response = post_commit(settings["commitUrl"], cmi12("completed", raw="90", session="00:01:05"))
    assert (response.status_code, response.json()) == (200, {"result": "true", "errorCode": 0})
    state = ScoState.objects.get()
    assert (
        state.completion_status,
        state.success_status,
        state.score_scaled,
        state.total_seconds,
        state.commits,
        state.cmi["core"]["score"]["raw"],
    ) == ("completed", "passed", 0.9, 65.0, 1, "90")
    attempt = Attempt.objects.get()
    assert (attempt.completed, attempt.passed, attempt.score_scaled, attempt.duration_seconds) == (
        True,
        True,
        0.9,
        65.0,
    )


BAD_COMMITS = [
    ("not JSON", None, b"{cmi:", 400, "The commit is not JSON."),
    (
        "no cmi",
        {"core": {}},
        None,
        400,
        'The commit was not stored: the commit must be a JSON object with a "cmi" object.',
    ),
    (
        "bad status",
        cmi12("done"),
        None,
        400,
        "The commit was not stored: cmi.core.lesson_status 'done' is not a SCORM 1.2 lesson "
        "status.",
    ),
    (
        "score out of range",
        cmi12(raw="120"),
        None,
        400,
        "The commit was not stored: cmi.core.score.raw must be between 0 and 100.",
    ),
    (
        "bad session time",
        cmi12(session="1 minute"),
        None,
        400,
        "The commit was not stored: session_time '1 minute' is not HHHH:MM:SS.SS.",
    ),
    (
        "bad exit",
        cmi12(exit_="later"),
        None,
        400,
        "The commit was not stored: cmi.core.exit 'later' is not a SCORM 1.2 exit value.",
    ),
    (
        "suspend data too long",
        cmi12(suspend="x" * 4097),
        None,
        400,
        "The commit was not stored: cmi.suspend_data is longer than 4096 characters.",
    ),
    ("too large", None, b" " * (512 * 1024 + 1), 413, "The commit is larger than 512 KB."),
]


@pytest.mark.parametrize(
    ("payload", "raw", "status", "message"),
    [case[1:] for case in BAD_COMMITS],
    ids=[case[0] for case in BAD_COMMITS],
)
def test_bad_commit_is_refused_and_changes_nothing(
    tiny, scorm_learner, payload, raw, status, message
):
    _, settings = open_player(launch(scorm_learner, tiny))
    before = list(ScoState.objects.values_list("cmi", "commits"))
    response = post_commit(settings["commitUrl"], payload, raw=raw)
    assert (response.status_code, response.json()) == (
        status,
        {"result": "false", "errorCode": 101, "message": message},
    )
    assert list(ScoState.objects.values_list("cmi", "commits")) == before == [({}, 0)]
    assert Statement.objects.count() == 0


def test_commit_with_an_unknown_token_or_method_is_refused(tiny, scorm_learner):
    _, settings = open_player(launch(scorm_learner, tiny))
    token = Attempt.objects.get().token
    wrong = settings["commitUrl"].replace(token, "x" * 43)
    client = content_client()
    assert [
        (r.status_code, r.json()["message"])
        for r in (post_commit(wrong, cmi12()), client.get(settings["commitUrl"]))
    ] == [(404, "No such attempt."), (405, "Commit with POST.")]
    assert content_client().get("/package-content/scorm/" + "y" * 43 + "/").status_code == 404


def test_suspended_sco_resumes_with_its_location_and_suspend_data(tiny, scorm_learner):
    _, settings = open_player(launch(scorm_learner, tiny))
    post_commit(
        settings["commitUrl"],
        cmi12("incomplete", session="00:02:00", exit_="suspend", location="q2", suspend="a=1"),
    )
    _, again = open_player(launch(scorm_learner, tiny))
    assert Attempt.objects.count() == 1
    core = again["cmi"]["core"]
    assert (core["entry"], core["lesson_location"], core["lesson_status"], core["total_time"]) == (
        "resume",
        "q2",
        "incomplete",
        "0000:02:00",
    )
    assert again["cmi"]["suspend_data"] == "a=1"
    # The next session's time adds to the total rather than replacing it.
    post_commit(again["commitUrl"], cmi12("incomplete", session="00:00:30"))
    assert ScoState.objects.get().total_seconds == 150.0


def test_a_learner_back_after_passing_starts_a_new_attempt(tiny, scorm_learner):
    _, settings = open_player(launch(scorm_learner, tiny))
    post_commit(settings["commitUrl"], cmi12("passed", raw="85"))
    url = launch(scorm_learner, tiny)
    assert list(Attempt.objects.values_list("number", "completed", "passed")) == [
        (1, True, True),
        (2, False, None),
    ]
    assert Attempt.objects.get(number=2).token in url
    _, fresh = open_player(url)
    assert (fresh["cmi"]["core"]["entry"], fresh["cmi"]["core"]["lesson_status"]) == (
        "ab-initio",
        "not attempted",
    )


def test_preview_plays_without_records(tiny, training_lead):
    url = launch(training_lead, tiny, preview=True)
    assert url.startswith(f"{CONTENT}/package-content/scorm/preview/")
    response, settings = open_player(url)
    assert response.status_code == 200
    assert "This is a preview. Nothing you do in it is recorded" in response.content.decode()
    assert (settings["commitUrl"], settings["cmi"]["core"]["credit"]) == (None, "no-credit")
    assert (Attempt.objects.count(), ScoState.objects.count(), Statement.objects.count()) == (
        0,
        0,
        0,
    )


def test_tampered_preview_link_is_not_found(tiny, training_lead):
    url = launch(training_lead, tiny, preview=True)
    response, _ = open_player(url.replace("/?sco", "x/?sco"))
    assert response.status_code == 404


def test_launch_refuses_an_unknown_item_or_a_return_address_off_the_web(tiny, scorm_learner):
    refusals = []
    for options in (
        {"return_url": RETURN, "sco_identifier": "nope"},
        {"return_url": "javascript:alert(1)"},
        {"return_url": "//elsewhere.example/lesson"},
    ):
        with pytest.raises(LaunchRefused) as refused:
            sco_launch(user=scorm_learner, package=tiny, **options)
        refusals.append(str(refused.value))
    assert refusals == [
        "This package has no item 'nope'.",
        "The return address 'javascript:alert(1)' is not a web address on the platform.",
        "The return address '//elsewhere.example/lesson' is not a web address on the platform.",
    ]
    assert Attempt.objects.count() == 0


def test_a_relative_return_address_is_made_absolute_on_the_platform(tiny, scorm_learner):
    sco_launch(user=scorm_learner, package=tiny, return_url="/courses/tiny/lesson/")
    assert Attempt.objects.get().return_url == f"{PLATFORM}/courses/tiny/lesson/"
