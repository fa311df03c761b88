"""moveOn, satisfied blocks and courses, waiving, abandoning, and the package outcome."""

import pytest

from cmi5.models import AuProgress, MoveOn, Registration, Session
from cmi5.progress import au_is_satisfied
from cmi5.selectors import package_aus, package_progress
from cmi5.services import LaunchRefused, au_waive, session_abandon
from packages.outcomes import PackageProgress, Status, package_outcome
from tests.cmi5.builders import au, block, structure
from tests.cmi5.sessions import launch
from xapi.models import Statement

DURATION = {"duration": "PT4S"}
COMPLETED = {"completion": True, **DURATION}


def test_move_on_criteria():
    cases = [(completed, passed) for completed in (False, True) for passed in (False, True)]

    table = {
        move_on: [au_is_satisfied(move_on, completed=c, passed=p, waived=False) for c, p in cases]
        for move_on in MoveOn.values
    }

    assert table == {
        "NotApplicable": [True, True, True, True],
        "Passed": [False, True, False, True],
        "Completed": [False, False, True, True],
        "CompletedAndPassed": [False, False, False, True],
        "CompletedOrPassed": [False, True, True, True],
    }
    assert au_is_satisfied("Completed", completed=False, passed=False, waived=True) is True


@pytest.fixture
def outcomes():
    received = []

    def receive(sender, outcome, **kwargs):
        received.append(outcome)

    package_outcome.connect(receive, dispatch_uid="cmi5-test-outcomes")
    yield received
    package_outcome.disconnect(dispatch_uid="cmi5-test-outcomes")


def lms_statements(registration_uuid) -> list[tuple[str, str]]:
    rows = Statement.objects.filter(registration=registration_uuid).order_by("seq")
    return [
        (row.verb_id.rsplit("/", 1)[-1], row.data["object"].get("definition", {}).get("type", ""))
        for row in rows
    ]


@pytest.mark.django_db
def test_completing_the_last_au_satisfies_the_course_and_sends_the_outcome(
    client, learner, import_course, outcomes
):
    package = import_course(structure(block("b1", au("a1", move_on="Completed"))))
    session = launch(client, learner, package_aus(package)[0])
    session.start()
    session.send(session.statement("initialized"))

    session.send(session.statement("completed", result=COMPLETED, moveon=True))

    registration = Registration.objects.get()
    assert lms_statements(registration.uuid) == [
        ("launched", ""),
        ("initialized", ""),
        ("completed", ""),
        ("satisfied", "https://w3id.org/xapi/cmi5/activitytype/block"),
        ("satisfied", "https://w3id.org/xapi/cmi5/activitytype/course"),
    ]
    satisfied = Statement.objects.filter(verb_id__endswith="satisfied").order_by("seq")
    assert [s.data["context"]["extensions"] for s in satisfied] == [
        {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": str(Session.objects.get().uuid)}
    ] * 2
    assert [(o.user_id, o.package_id, o.completed, o.passed) for o in outcomes] == [
        (learner.pk, package.pk, True, None)
    ]
    assert package_progress(user=learner, package=package) == PackageProgress(
        status=Status.COMPLETED,
        completed=True,
        passed=None,
        score_scaled=None,
        can_resume=False,
        last_activity_at=package_progress(user=learner, package=package).last_activity_at,
        attempts=1,
    )


@pytest.mark.django_db
def test_not_applicable_aus_are_satisfied_when_the_registration_starts(
    client, learner, import_course
):
    package = import_course(structure(block("b1", au("a1", move_on="NotApplicable"))))

    launch(client, learner, package_aus(package)[0])

    assert lms_statements(Registration.objects.get().uuid) == [
        ("satisfied", "https://w3id.org/xapi/cmi5/activitytype/block"),
        ("satisfied", "https://w3id.org/xapi/cmi5/activitytype/course"),
        ("launched", ""),
    ]


@pytest.mark.django_db
def test_a_new_launch_abandons_the_open_session_whose_credentials_then_stop(
    client, learner, course_package
):
    first = launch(client, learner, package_aus(course_package)[0])
    first.start()
    first.send(first.statement("initialized"))

    second = launch(client, learner, package_aus(course_package)[1])
    late = first.send(first.statement("experienced"))

    abandoned = Statement.objects.get(verb_id="https://w3id.org/xapi/adl/verbs/abandoned").data
    assert (abandoned["actor"], abandoned["object"]["id"]) == (
        first.actor,
        first.params["activityId"],
    )
    assert abandoned["result"]["duration"].startswith("PT")
    assert abandoned["context"]["registration"] == second.params["registration"]
    assert late.status_code == 403
    assert [s.abandoned_at is not None for s in Session.objects.order_by("pk")] == [True, False]
    assert session_abandon(session=Session.objects.order_by("pk").first()) is False


@pytest.mark.django_db
def test_waiving_an_au_satisfies_it_with_a_reason(client, learner, import_course, outcomes):
    package = import_course(structure(au("a1", move_on="Passed")))
    aus = package_aus(package)
    launch(client, learner, aus[0])
    registration = Registration.objects.get()

    au_waive(registration=registration, au=aus[0], reason="Tested")

    waived = Statement.objects.get(verb_id="https://w3id.org/xapi/adl/verbs/waived").data
    assert waived["result"] == {
        "success": True,
        "completion": True,
        "extensions": {"https://w3id.org/xapi/cmi5/result/extensions/reason": "Tested"},
    }
    assert lms_statements(registration.uuid) == [
        ("launched", ""),
        ("waived", ""),
        ("satisfied", "https://w3id.org/xapi/cmi5/activitytype/course"),
    ]
    assert [(o.completed, o.passed) for o in outcomes] == [(True, True)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("Because", "The reason must be one of Tested, Equivalent, Administrative, Unavailable."),
        ("Tested", "That AU is already satisfied; there is nothing to waive."),
    ],
)
def test_a_waiver_that_cannot_be_given_is_refused_and_writes_nothing(
    client, learner, import_course, reason, message
):
    package = import_course(structure(au("a1", move_on="NotApplicable")))
    aus = package_aus(package)
    launch(client, learner, aus[0])
    before = Statement.objects.count()

    with pytest.raises(LaunchRefused) as refused:
        au_waive(registration=Registration.objects.get(), au=aus[0], reason=reason)

    assert refused.value.message == message
    assert (Statement.objects.count(), AuProgress.objects.filter(waived=True).count()) == (
        before,
        0,
    )


@pytest.mark.django_db
def test_a_learner_who_never_launched_has_not_started(learner, course_package):
    assert package_progress(user=learner, package=course_package) == PackageProgress(
        status=Status.NOT_STARTED,
        completed=False,
        passed=None,
        score_scaled=None,
        can_resume=False,
        last_activity_at=None,
        attempts=0,
    )


@pytest.mark.django_db
def test_a_preview_sends_no_outcome(client, learner, import_course, outcomes):
    package = import_course(structure(au("a1", move_on="Completed")))
    session = launch(client, learner, package_aus(package)[0], preview=True)
    session.start()
    session.send(session.statement("initialized"))

    stored = session.send(session.statement("completed", result=COMPLETED, moveon=True))

    assert (stored.status_code, outcomes) == (204, [])
    assert package_progress(user=learner, package=package).status == Status.NOT_STARTED
