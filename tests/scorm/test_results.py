"""Results: SCO statuses rolled up to the package, the statements and package_outcome they
become, and the progress courses shows."""

import pytest

from packages.models import Package
from packages.outcomes import PackageProgress, Status, package_outcome
from scorm.models import Attempt, Sco, ScoState
from scorm.selectors import package_progress, package_scos
from scorm.services import sco_launch
from tests.scorm.conftest import CONTENT, PLATFORM
from tests.scorm.helpers import cmi12, cmi2004, content_client, open_player, post_commit
from xapi.models import LearnerIdentity, Statement

pytestmark = pytest.mark.django_db
RETURN = f"{PLATFORM}/courses/golf/lesson/"


@pytest.fixture
def outcomes():
    received = []

    def receive(sender, outcome, **kwargs):
        received.append(outcome)

    package_outcome.connect(receive, weak=False)
    yield received
    package_outcome.disconnect(receive)


def play(user, package, sco: Sco, payload):
    _, settings = open_player(
        sco_launch(user=user, package=package, return_url=RETURN, sco_identifier=sco.identifier)
    )
    response = post_commit(settings["commitUrl"], payload)
    assert response.status_code == 200, response.content
    return settings


def test_multi_sco_package_completes_when_every_sco_is_completed(
    scorm_import, scorm_learner, outcomes
):
    golf = scorm_import("golf-scorm2004-forced-sequential")
    scos = package_scos(golf)
    # As the golf content does: each part passed once read to its end.
    for sco in scos[:4]:
        play(scorm_learner, golf, sco, cmi2004("completed", "passed", session="PT1M"))
    attempt = Attempt.objects.get()
    assert (attempt.completed, attempt.passed, outcomes) == (False, None, [])
    play(scorm_learner, golf, scos[4], cmi2004("completed", "passed", "0.8", session="PT2M"))
    attempt.refresh_from_db()
    assert (attempt.completed, attempt.passed, attempt.score_scaled, attempt.duration_seconds) == (
        True,
        True,
        0.8,
        360.0,
    )
    assert [(o.user_id, o.package_id, o.completed, o.passed, o.score_scaled) for o in outcomes] == [
        (scorm_learner.pk, golf.pk, True, True, 0.8),
    ]
    assert package_progress(user=scorm_learner, package=golf) == PackageProgress(
        status=Status.PASSED,
        completed=True,
        passed=True,
        score_scaled=0.8,
        can_resume=False,
        last_activity_at=attempt.updated_at,
        attempts=1,
    )


def test_forced_order_disables_a_part_until_the_one_before_is_satisfied(
    scorm_import, scorm_learner
):
    golf = scorm_import("golf-scorm2004-forced-sequential")
    scos = package_scos(golf)
    launch = sco_launch(user=scorm_learner, package=golf, return_url=RETURN)
    response, first = open_player(launch)
    assert launch.endswith("?sco=playing_item")
    assert first["nextUrl"] is None
    assert list(first["choiceUrls"]) == ["playing_item"]
    html = response.content.decode()
    assert html.count("Not available yet</strong>") == 4
    blocked, settings = open_player(launch.replace("playing_item", "etuqiette_item"))
    assert (blocked.status_code, settings) == (200, None)
    assert "This part is not available yet. Finish the parts before it first." in (
        blocked.content.decode()
    )
    assert ScoState.objects.filter(sco=scos[1]).exists() is False
    post_commit(first["commitUrl"], cmi2004("completed", "passed"))
    # The player, still on the first part, asks for its navigation again after the commit.
    navigation = content_client().get(first["navigationUrl"]).json()
    etiquette = launch.removeprefix(CONTENT).replace("playing_item", "etuqiette_item")
    assert (navigation["nextUrl"], list(navigation["choiceUrls"])) == (
        etiquette,
        ["playing_item", "etuqiette_item"],
    )
    assert f'<a class="govuk-link" href="{etiquette}">Etiquette</a>' in navigation["html"]
    assert navigation["html"].count("Not available yet</strong>") == 3
    _, again = open_player(launch)
    assert again["nextUrl"] == etiquette
    assert list(again["choiceUrls"]) == ["playing_item", "etuqiette_item"]


def test_player_navigation_follows_the_manifest_control_mode(scorm_import, scorm_learner):
    golf = scorm_import("golf-scorm2004-forced-sequential")
    scos = package_scos(golf)
    Sco.objects.filter(package=golf).update(preconditions=[])
    settings = play(scorm_learner, golf, scos[1], cmi2004())
    base = settings["commitUrl"].split("commit/")[0]
    assert (settings["previousUrl"], settings["nextUrl"]) == (
        f"{base}?sco=playing_item",
        f"{base}?sco=handicapping_item",
    )
    assert list(settings["choiceUrls"]) == [s.identifier for s in scos]
    golf.scorm.flow, golf.scorm.forward_only = False, True
    golf.scorm.save()
    settings = play(scorm_learner, golf, scos[1], cmi2004())
    assert (settings["previousUrl"], settings["nextUrl"], list(settings["choiceUrls"])) == (
        None,
        None,
        [s.identifier for s in scos[1:]],
    )


def test_mastery_score_decides_pass_or_fail_in_scorm12(scorm_import, scorm_learner, outcomes):
    tiny = scorm_import("tiny-scorm12")
    play(scorm_learner, tiny, tiny.scos.get(), cmi12("completed", raw="70"))
    assert package_progress(user=scorm_learner, package=tiny).status == Status.FAILED
    assert [(o.completed, o.passed, o.score_scaled) for o in outcomes] == [(True, False, 0.7)]


def test_statements_name_the_sco_and_package_with_the_attempt_as_registration(
    scorm_import, scorm_learner
):
    tiny = scorm_import("tiny-scorm12")
    sco = tiny.scos.get()
    play(scorm_learner, tiny, sco, cmi12("incomplete", session="00:00:20"))
    assert Statement.objects.count() == 0
    settings = play(scorm_learner, tiny, sco, cmi12("completed", raw="90", session="00:01:05"))
    attempt = Attempt.objects.get()
    account = {
        "homePage": PLATFORM,
        "name": str(LearnerIdentity.objects.get(user=scorm_learner).account_name),
    }
    package = {
        "objectType": "Activity",
        "id": f"{PLATFORM}/xapi/activities/package/{tiny.uuid}",
        "definition": {
            "name": {"en-GB": "Tiny quiz"},
            "type": "http://adlnet.gov/expapi/activities/course",
        },
    }
    sco_activity = {
        "objectType": "Activity",
        "id": f"{PLATFORM}/xapi/activities/sco/{sco.uuid}",
        "definition": {
            "name": {"en-GB": "One question"},
            "type": "http://adlnet.gov/expapi/activities/lesson",
        },
    }
    result = {
        "completion": True,
        "success": True,
        "score": {"scaled": 0.9},
        # Two sessions, 20 s and 65 s; tincan writes durations zero-padded.
        "duration": "PT01M25S",
    }

    def statement(verb, target, parents):
        activities = {"category": [{"objectType": "Activity", "id": "https://w3id.org/xapi/scorm"}]}
        if parents:
            activities["parent"] = parents
        return {
            "actor": {"objectType": "Agent", "account": account},
            "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-GB": verb}},
            "object": target,
            "result": result,
            "context": {"registration": str(attempt.uuid), "contextActivities": activities},
        }

    stored = [
        {key: data[key] for key in ("actor", "verb", "object", "result", "context")}
        for data in Statement.objects.order_by("seq").values_list("data", flat=True)
    ]
    assert stored == [
        statement("completed", sco_activity, [package]),
        statement("passed", sco_activity, [package]),
        statement("completed", package, None),
        statement("passed", package, None),
    ]
    # The runtime sending the same data again (a commit, then finish) says nothing new.
    post_commit(settings["commitUrl"], cmi12("completed", raw="90", session="00:01:05"))
    assert Statement.objects.count() == 4


def test_progress_before_and_during_an_attempt(scorm_import, scorm_learner):
    tiny = scorm_import("tiny-scorm12")
    assert package_progress(user=scorm_learner, package=tiny) == PackageProgress(
        status=Status.NOT_STARTED,
        completed=False,
        passed=None,
        score_scaled=None,
        can_resume=False,
        last_activity_at=None,
        attempts=0,
    )
    play(scorm_learner, tiny, tiny.scos.get(), cmi12("incomplete", exit_="suspend"))
    progress = package_progress(user=scorm_learner, package=tiny)
    assert (progress.status, progress.can_resume, progress.attempts) == (
        Status.IN_PROGRESS,
        True,
        1,
    )


def test_assets_count_as_completed_once_opened(scorm_import, scorm_learner, package_dir):
    tiny = scorm_import("tiny-scorm12")
    Sco.objects.filter(package=tiny).update(is_sco=False, mastery_score=None)
    open_player(sco_launch(user=scorm_learner, package=tiny, return_url=RETURN))
    assert Attempt.objects.values_list("completed", "passed").get() == (True, None)
    assert Package.objects.get().pk == tiny.pk


def test_scorm2004_suspended_sco_resumes_and_a_finished_one_starts_afresh(
    scorm_import, scorm_learner
):
    golf = scorm_import("golf-scorm2004-forced-sequential")
    first = package_scos(golf)[0]
    payload = cmi2004("incomplete", session="PT20M34.5S", exit_="suspend")
    payload["cmi"].update(location="page-3", suspend_data="seen=1,2")
    play(scorm_learner, golf, first, payload)
    resumed = play(scorm_learner, golf, first, cmi2004("completed", session="PT1M"))
    learner_id = resumed["cmi"]["learner_id"]
    assert resumed["cmi"] == {
        "learner_id": learner_id,
        "learner_name": "Learner",
        "entry": "resume",
        "credit": "credit",
        "mode": "normal",
        "launch_data": "",
        "location": "page-3",
        "suspend_data": "seen=1,2",
        "total_time": "PT1234.5S",
        "completion_status": "incomplete",
        "success_status": "unknown",
        "score": {"scaled": "", "raw": "", "min": "", "max": ""},
    }
    afresh = play(scorm_learner, golf, first, cmi2004("completed", session="PT1M"))
    assert (afresh["cmi"]["entry"], afresh["cmi"]["location"], afresh["cmi"]["total_time"]) == (
        "ab-initio",
        "",
        "PT0S",
    )
    assert ScoState.objects.get(sco=first).total_seconds == 1354.5
