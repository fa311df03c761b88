"""The LRS holds a launch session's credentials to cmi5's rules: what an AU may send, in which
order, about whom, and what it may read and write."""

import pytest

from cmi5.selectors import package_aus
from tests.cmi5.sessions import CONTENT_HOST, LRS, MASTERY_EXT, launch
from xapi.models import Statement

DURATION = {"duration": "PT4S"}


@pytest.fixture
def started(client, learner, course_package):
    session = launch(client, learner, package_aus(course_package)[0])
    session.start()
    return session


def verbs(started) -> list[str]:
    rows = Statement.objects.filter(registration=started.params["registration"]).order_by("seq")
    return [row.verb_id.rsplit("/", 1)[-1] for row in rows]


def passed(started, **result):
    return started.statement(
        "passed",
        result={"success": True, "score": {"scaled": 0.9}, **DURATION, **result},
        moveon=True,
        **{MASTERY_EXT: 0.8},
    )


@pytest.mark.django_db
def test_a_session_that_follows_the_rules_is_stored_with_the_lms_statements_in_order(started):
    answers = [
        started.send(started.statement("initialized")).status_code,
        started.send(started.statement("experienced")).status_code,
        started.send(passed(started)).status_code,
        started.send(
            started.statement("completed", result={"completion": True, **DURATION}, moveon=True)
        ).status_code,
        started.send(started.statement("terminated", result=DURATION)).status_code,
    ]

    assert answers == [204, 204, 204, 204, 204]
    # The block holding the AU is satisfied; the course also needs the second AU.
    assert verbs(started) == [
        "launched",
        "initialized",
        "experienced",
        "passed",
        "completed",
        "satisfied",
        "terminated",
    ]


@pytest.mark.django_db
def test_initialized_must_come_after_the_learner_preferences_are_read(
    client, learner, course_package
):
    session = launch(client, learner, package_aus(course_package)[0])
    session.start(read_preferences=False)

    refused = session.send(session.statement("initialized"))

    assert (refused.status_code, refused.json()["error"]["message"]) == (
        403,
        "The AU must read the learner's preferences before it initializes (cmi5 11).",
    )


def _without(key):
    def change(statement):
        statement.pop(key)
        return statement

    return change


REFUSED = [
    (
        "before initialized",
        None,
        "The first statement of a session must be initialized (cmi5 9.3).",
    ),
    (
        "no timestamp",
        _without("timestamp"),
        "The AU must give every statement a timestamp (cmi5 9.7).",
    ),
    (
        "not UTC",
        lambda s: {**s, "timestamp": s["timestamp"].replace("Z", "-06:00")},
        "The statement's timestamp must be in UTC (cmi5 9.7).",
    ),
    (
        "a Group",
        lambda s: {**s, "actor": {**s["actor"], "objectType": "Group"}},
        "The actor must be the Agent the launch gave (cmi5 9.2).",
    ),
    (
        "an mbox",
        lambda s: {**s, "actor": {"mbox": "mailto:someone@example.org"}},
        "The actor must be identified by the launch's account (cmi5 9.2).",
    ),
    ("no context", _without("context"), "The statement must have a context (cmi5 9.6)."),
    (
        "another registration",
        lambda s: {
            **s,
            "context": {**s["context"], "registration": "4f0c5a53-7d1e-4be5-9b8e-0e4c3bd5a0a1"},
        },
        "The statement's registration must be the launch's registration (cmi5 9.6.1).",
    ),
    (
        "no session id",
        lambda s: {**s, "context": {**s["context"], "extensions": {}}},
        "The statement must carry the session id from the launch data (cmi5 9.6.3.1).",
    ),
    (
        "voiding",
        lambda s: {
            **s,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": s["id"]},
        },
        "An AU's credentials cannot void statements.",
    ),
    (
        "an LMS verb",
        lambda s: {**s, "verb": {"id": "https://w3id.org/xapi/adl/verbs/satisfied"}},
        "Only the LMS sends launched, abandoned, waived and satisfied statements.",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "change", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_statement_breaking_a_session_rule_is_refused_and_not_stored(
    started, case, change, message
):
    if change is not None:
        assert started.send(started.statement("initialized")).status_code == 204
    statement = started.statement("experienced")
    before = verbs(started)

    refused = started.send(change(statement) if change else statement)

    assert (refused.status_code, refused.json()["error"]["message"]) == (403, message)
    assert verbs(started) == before


JUDGED = [
    (
        "passed about another object",
        lambda st: {**passed(st), "object": {"id": "https://example.org/other"}},
        "The statement's object must be the activity id the launch gave (cmi5 8.1.5).",
    ),
    (
        "experienced with the cmi5 category",
        lambda st: st.statement("experienced", defined=True),
        "Only cmi5 defined verbs may carry the cmi5 category (cmi5 7.1.3).",
    ),
    (
        "completed without completion",
        lambda st: st.statement("completed", result=DURATION, moveon=True),
        "completed must set result.completion to true (cmi5 9.5.3).",
    ),
    (
        "completed with success",
        lambda st: st.statement(
            "completed", result={"completion": True, "success": True, **DURATION}, moveon=True
        ),
        "completed may not set result.success (cmi5 9.5.2).",
    ),
    (
        "completed without moveOn",
        lambda st: st.statement("completed", result={"completion": True, **DURATION}),
        "completed, passed and failed must carry the moveOn category (cmi5 9.6.2.2).",
    ),
    (
        "passed without duration",
        lambda st: st.statement("passed", result={"success": True}, moveon=True),
        "completed, passed and failed must give result.duration (cmi5 9.5.4.1).",
    ),
    (
        "passed below mastery",
        lambda st: passed(st, score={"scaled": 0.7}),
        "passed needs a scaled score of at least the masteryScore (cmi5 9.3.4).",
    ),
    (
        "passed without the mastery score",
        lambda st: st.statement(
            "passed", result={"success": True, "score": {"scaled": 0.9}, **DURATION}, moveon=True
        ),
        "A scored pass or fail must carry the launch's masteryScore (cmi5 9.6.3.2).",
    ),
    (
        "raw score without bounds",
        lambda st: passed(st, score={"scaled": 0.9, "raw": 9}),
        "A raw score needs min and max (cmi5 9.5.1).",
    ),
    (
        "failed at mastery",
        lambda st: st.statement(
            "failed",
            result={"success": False, "score": {"scaled": 0.8}, **DURATION},
            moveon=True,
            **{MASTERY_EXT: 0.8},
        ),
        "failed needs a scaled score below the masteryScore (cmi5 9.3.5).",
    ),
    (
        "terminated without duration",
        lambda st: st.statement("terminated", result={}),
        "terminated must give result.duration (cmi5 9.5.4.1).",
    ),
    (
        "experienced with moveOn",
        lambda st: st.statement("experienced", moveon=True),
        "Only completed, passed and failed statements may carry the moveOn category.",
    ),
    (
        "initialized twice",
        lambda st: st.statement("initialized"),
        "The session is already initialized (cmi5 9.3.2).",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "build", "message"), JUDGED, ids=[c[0] for c in JUDGED])
def test_defined_statements_are_held_to_their_rules(started, case, build, message):
    assert started.send(started.statement("initialized")).status_code == 204

    refused = started.send(build(started))

    assert (refused.status_code, refused.json()["error"]["message"]) == (403, message)


@pytest.mark.django_db
def test_one_pass_per_registration_and_nothing_after_terminated(started):
    started.send(started.statement("initialized"))
    first = started.send(passed(started)).status_code
    again = started.send(passed(started))
    fail = started.send(
        started.statement("failed", result={"success": False, **DURATION}, moveon=True)
    )
    started.send(started.statement("terminated", result=DURATION))
    after = started.send(started.statement("experienced"))
    state = started.state("bookmark")

    assert first == 204
    assert [again.status_code, fail.status_code, after.status_code, state.status_code] == [403] * 4
    assert after.json()["error"]["message"] == (
        "This launch session has ended; its credentials no longer work."
    )


@pytest.mark.django_db
def test_browse_and_review_launches_may_not_complete_pass_or_fail(client, learner, course_package):
    session = launch(client, learner, package_aus(course_package)[0], launch_mode="Review")
    session.start()
    session.send(session.statement("initialized"))

    refused = session.send(
        session.statement("completed", result={"completion": True, **DURATION}, moveon=True)
    )

    assert (refused.status_code, refused.json()["error"]["message"]) == (
        403,
        "In Review mode an AU may not send completed, passed or failed.",
    )


@pytest.mark.django_db
def test_documents_are_the_sessions_own_and_launch_data_is_read_only(started):
    own = started.state("bookmark", "put", {"page": 3})
    read_back = started.state("bookmark")
    launch_data_write = started.state("LMS.LaunchData", "put", {"changed": True})
    launch_data_delete = started.state("LMS.LaunchData", "delete")
    other_registration = started.state(
        "bookmark", registration="4f0c5a53-7d1e-4be5-9b8e-0e4c3bd5a0a1"
    )
    other_agent = started.lrs(
        "get",
        "/agents/profile",
        profileId="cmi5LearnerPreferences",
        agent='{"account": {"homePage": "https://example.org", "name": "someone"}}',
    )
    no_agent = started.lrs("get", "/agents/profile", profileId="cmi5LearnerPreferences")
    statements = started.lrs("get", "/statements")

    assert (own.status_code, read_back.json()) == (204, {"page": 3})
    assert [
        launch_data_write.status_code,
        launch_data_delete.status_code,
        other_registration.status_code,
        other_agent.status_code,
        no_agent.status_code,
        statements.status_code,
    ] == [403, 403, 403, 403, 400, 403]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (
            {"languagePreference": "fr-CA,en", "audioPreference": "sometimes"},
            "application/json",
            "audioPreference is on or off.",
        ),
        (
            {"languagePreference": "not a list", "audioPreference": "on"},
            "application/json",
            "languagePreference is a comma-separated list of language codes.",
        ),
        ("just text", "text/plain", "Learner preferences are a JSON object (cmi5 11)."),
    ],
)
def test_learner_preferences_must_be_valid(started, body, content_type, message):
    answer = started.lrs(
        "put",
        "/agents/profile",
        body,
        content_type=content_type,
        profileId="cmi5LearnerPreferences",
        agent=started.params["actor"],
    )

    assert (answer.status_code, answer.json()["error"]["message"]) == (403, message)


@pytest.mark.django_db
def test_wrong_credentials_on_the_content_origin_are_refused_without_a_browser_prompt(client):
    on_content = client.get(
        f"{LRS}/statements",
        HTTP_HOST=CONTENT_HOST,
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        HTTP_AUTHORIZATION="Basic Y2htaTU6bm90LWEtc2VjcmV0",
    )
    on_platform = client.get(
        "/xapi/statements",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        HTTP_AUTHORIZATION="Basic Y2htaTU6bm90LWEtc2VjcmV0",
    )

    assert (on_content.status_code, "WWW-Authenticate" in on_content) == (401, False)
    assert (on_platform.status_code, on_platform["WWW-Authenticate"]) == (401, 'Basic realm="xAPI"')
