"""The statements courses/xapi.py produces for each learner event, against golden JSON files.

Every value is fixed (site address, pseudonym, registration, times, page identities), so the
files are exact; only `stored` is left out. After a deliberate change, rewrite them with
`XAPI_UPDATE_GOLDEN=1 pytest tests/courses -k golden` and read the diff before committing.
"""

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import override_settings

from courses import xapi as course_xapi
from courses.marking import mark, questions_of
from courses.models import Enrolment
from tests.courses.helpers import lessons, right_answers
from xapi.models import LearnerIdentity, Statement

GOLDEN = Path(__file__).parent / "golden"
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REGISTRATION = uuid.UUID("77777777-8888-4999-8aaa-bbbbbbbbbbbb")
PSEUDONYM = uuid.UUID("0b7e4c3a-5d1f-4a8e-9c2b-6f1d2e3a4b5c")


# The people and the course are built once for the module; each test runs in a savepoint inside
# its transaction (tests/conftest.py).
SHARED = ("learner", "training_lead", "framework")


def _course(training_lead):
    from competencies.models import Competency
    from courses.loading import course_load
    from tests.courses.data import course_data

    # Competency identities are random per load; fix them so the files are exact.
    for index, competency in enumerate(Competency.objects.order_by("framework__slug", "code")):
        competency.uuid = uuid.UUID(int=index + 1)
        competency.save(update_fields=["uuid"])
    return course_load(course_data(), owner=training_lead)


@pytest.fixture(scope="module", autouse=True)
def module_course(shared):
    with override_settings(SITE_URL="https://academy.example.gov"):
        return shared.build(_course, shared["training_lead"])


@pytest.fixture
def enrolment(settings, shared, module_course, learner, framework, training_lead):
    settings.SITE_URL = "https://academy.example.gov"
    LearnerIdentity.objects.create(user=learner, account_name=PSEUDONYM)
    course = shared.fresh(module_course)
    return Enrolment.objects.create(user=learner, course=course, registration=REGISTRATION)


def record(event: str, enrolment: Enrolment) -> list[str]:
    lesson = lessons()[0]
    check = lesson.knowledge_check()
    if event == "registered":
        return course_xapi.registered(enrolment, WHEN)
    if event == "experienced":
        return course_xapi.experienced(enrolment, lesson, WHEN)
    if event == "check":
        marking = mark(questions_of(check.value), right_answers(lesson), check.value["pass_mark"])
        return course_xapi.check_marked(enrolment, lesson, check, marking, 1, WHEN)
    if event == "lesson_completed":
        return course_xapi.lesson_completed(enrolment, [lesson], WHEN)
    if event == "progressed":
        return course_xapi.progressed(enrolment, 25, WHEN)
    if event == "course_completed":
        targets = {t.competency: t.level for t in enrolment.course.competency_targets.all()}
        return course_xapi.course_completed(enrolment, targets, WHEN)
    raise ValueError(event)


EVENTS = [
    "registered",
    "experienced",
    "check",
    "lesson_completed",
    "progressed",
    "course_completed",
]


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.django_db
def test_course_statements_match_golden_files(enrolment, event):
    ids = record(event, enrolment)

    stored = [Statement.objects.get(statement_id=i).data for i in ids]
    for statement in stored:
        statement.pop("stored")
    path = GOLDEN / f"{event}.json"
    if os.environ.get("XAPI_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(stored, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    assert stored == json.loads(path.read_text())


@pytest.mark.django_db
def test_answered_statements_are_interactions_with_the_correct_pattern(enrolment):
    ids = record("check", enrolment)

    answered = [Statement.objects.get(statement_id=i).data for i in ids[:-1]]
    kinds = [s["object"]["definition"]["interactionType"] for s in answered]
    assert kinds == ["choice", "choice", "true-false"]
    assert all(s["object"]["definition"]["type"].endswith("cmi.interaction") for s in answered)
    assert answered[2]["object"]["definition"]["correctResponsesPattern"] == ["true"]
    assert "[,]" in answered[1]["object"]["definition"]["correctResponsesPattern"][0]


@pytest.mark.django_db
def test_no_statement_names_the_learner(enrolment, learner):
    for event in EVENTS:
        record(event, enrolment)

    text = json.dumps([s.data for s in Statement.objects.all()])
    assert learner.email not in text
    assert learner.last_name not in text
