"""A learner's result in a lesson's course package: it completes the lesson (and the course),
and passing it records the evidence statement, once."""

import uuid
from datetime import UTC, datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from courses.loading import course_load
from courses.models import Certificate, Enrolment, LessonCompletion, PackageEvidence
from courses.services import plan_add
from packages.models import Package
from packages.outcomes import PackageOutcome, package_outcome
from tests.courses.data import course_data, lesson
from tests.courses.helpers import form, lessons, right_answers
from tests.html import texts
from xapi.models import LearnerIdentity, Statement
from xapi.vocab import VERB_COMPLETED, VERB_PASSED, VERB_PROGRESSED

SITE = "https://academy.example.gov"
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REGISTRATION = uuid.UUID("77777777-8888-4999-8aaa-bbbbbbbbbbbb")
PSEUDONYM = uuid.UUID("0b7e4c3a-5d1f-4a8e-9c2b-6f1d2e3a4b5c")
PACKAGE_UUID = uuid.UUID("5c0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b")


def package_lesson(title, *, competency="DA.1", level=3, package="golf"):
    data = lesson(title, with_check=False)
    data["body"].append(
        {
            "type": "package",
            "value": {"package": package, "competency": competency, "evidences_level": level},
        }
    )
    return data


# The people, the package and the course that uses it are built once for the module; each test
# runs in a savepoint inside its transaction (tests/conftest.py).
SHARED = ("learner", "training_lead", "framework")


def _golf_course(training_lead):
    from competencies.models import Competency

    package = Package.objects.create(
        uuid=PACKAGE_UUID, title="Golf explained", kind=Package.Kind.SCORM_12
    )
    # Competency identities are random per load; fix them so the statement is exact.
    for index, competency in enumerate(Competency.objects.order_by("framework__slug", "code")):
        competency.uuid = uuid.UUID(int=index + 1)
        competency.save(update_fields=["uuid"])
    data = course_data()
    data["modules"][1]["lessons"].append(package_lesson("Golf rules"))
    return package, course_load(data, owner=training_lead, packages={"golf": package})


@pytest.fixture(scope="module", autouse=True)
def golf_course(shared):
    with override_settings(SITE_URL=SITE):
        return shared.build(_golf_course, shared["training_lead"])


@pytest.fixture
def package(shared, golf_course, db):
    return shared.fresh(golf_course[0])


@pytest.fixture
def enrolment(settings, shared, golf_course, framework, training_lead, learner, package):
    settings.SITE_URL = SITE
    LearnerIdentity.objects.create(user=learner, account_name=PSEUDONYM)
    course = shared.fresh(golf_course[1])
    return Enrolment.objects.create(user=learner, course=course, registration=REGISTRATION)


def outcome(user, package, *, completed=True, passed=True, score=0.85, when=WHEN):
    return PackageOutcome(
        user_id=user.pk,
        package_id=package.pk,
        completed=completed,
        passed=passed,
        score_scaled=score,
        duration_seconds=120.0,
        occurred_at=when,
    )


def send(result):
    package_outcome.send(sender=Package, outcome=result)


def evidence_statements():
    data = [s.data for s in Statement.objects.filter(verb_id=VERB_PASSED)]
    for statement in data:
        statement.pop("stored")
    return data


def completions():
    return sorted(
        (c.lesson.title, c.via) for c in LessonCompletion.objects.select_related("lesson")
    )


@pytest.mark.django_db
def test_passing_the_package_completes_its_lesson_and_records_the_evidence(
    enrolment, learner, package
):
    golf = lessons()[-1]

    send(outcome(learner, package))

    assert completions() == [("Golf rules", "package")]
    competency = f"{SITE}/xapi/activities/competency/{uuid.UUID(int=1 + _index('DA.1'))}"
    [statement] = evidence_statements()
    assert statement == {
        "id": statement["id"],
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": SITE, "name": str(PSEUDONYM)},
        },
        "authority": {"objectType": "Agent", "account": {"homePage": SITE, "name": "lms"}},
        "verb": {"id": VERB_PASSED, "display": {"en-GB": "passed"}},
        "object": {
            "objectType": "Activity",
            "id": f"{SITE}/xapi/activities/package/{PACKAGE_UUID}",
            "definition": {
                "name": {"en-GB": "Golf explained"},
                "type": "http://adlnet.gov/expapi/activities/course",
            },
        },
        "result": {
            "success": True,
            "score": {"scaled": 0.85},
            "extensions": {f"{SITE}/xapi/extensions/result/level": 3},
        },
        "context": {
            "registration": str(REGISTRATION),
            "contextActivities": {
                "parent": [
                    {
                        "objectType": "Activity",
                        "id": f"{SITE}/xapi/activities/lesson/{golf.activity_uuid}",
                        "definition": {
                            "name": {"en-GB": "Golf rules"},
                            "type": "http://adlnet.gov/expapi/activities/lesson",
                        },
                    }
                ],
                "grouping": [
                    {
                        "objectType": "Activity",
                        "id": f"{SITE}/xapi/activities/course/{enrolment.course.activity_uuid}",
                        "definition": {
                            "name": {"en-GB": "Data basics"},
                            "type": "http://adlnet.gov/expapi/activities/course",
                        },
                    }
                ],
                "other": [
                    {
                        "objectType": "Activity",
                        "id": competency,
                    }
                ],
                "category": [
                    {"objectType": "Activity", "id": f"{SITE}/xapi/categories/course-package"}
                ],
            },
        },
        "timestamp": "2026-03-02T09:30:00+00:00",
        "version": "1.0.3",
    }
    assert list(PackageEvidence.objects.values_list("lesson_id", "package_id", "statement_id")) == [
        (golf.pk, package.pk, uuid.UUID(statement["id"]))
    ]


def _index(code):
    from competencies.models import Competency

    ordered = list(Competency.objects.order_by("framework__slug", "code"))
    return next(i for i, c in enumerate(ordered) if c.code == code and c.framework.slug == "mini")


@pytest.mark.django_db
def test_an_outcome_sent_again_changes_nothing(enrolment, learner, package):
    send(outcome(learner, package))
    before = sorted(Statement.objects.values_list("statement_id", flat=True))

    send(outcome(learner, package))
    send(outcome(learner, package, score=0.95, when=datetime(2026, 3, 3, tzinfo=UTC)))

    assert sorted(Statement.objects.values_list("statement_id", flat=True)) == before
    assert completions() == [("Golf rules", "package")]
    assert PackageEvidence.objects.count() == 1


@pytest.mark.django_db
def test_completing_without_a_pass_mark_completes_the_lesson_but_is_no_evidence(
    enrolment, learner, package
):
    send(outcome(learner, package, passed=None, score=None))

    assert completions() == [("Golf rules", "package")]
    assert evidence_statements() == []
    verbs = sorted(Statement.objects.values_list("verb_id", flat=True))
    assert verbs == [VERB_COMPLETED, VERB_PROGRESSED]


@pytest.mark.django_db
def test_failing_or_only_starting_records_nothing(enrolment, learner, package):
    send(outcome(learner, package, completed=False, passed=False, score=0.2))
    send(outcome(learner, package, completed=False, passed=None, score=None))

    assert completions() == []
    assert list(Statement.objects.values_list("verb_id", flat=True)) == []


@pytest.mark.django_db
def test_a_package_completed_but_failed_leaves_the_lesson_to_do(enrolment, learner, package):
    send(outcome(learner, package, completed=True, passed=False, score=0.3))

    assert completions() == []
    assert list(Statement.objects.values_list("verb_id", flat=True)) == []


@pytest.mark.django_db
def test_a_lesson_without_a_competency_completes_but_records_no_evidence(
    settings, framework, training_lead, learner, package
):
    data = course_data(slug="golf", title="Golf")
    data["modules"] = [
        {"title": "Golf", "lessons": [package_lesson("Golf", competency="", level=None)]}
    ]
    course = course_load(data, owner=training_lead, packages={"golf": package})
    Enrolment.objects.create(user=learner, course=course)

    send(outcome(learner, package))

    assert completions() == [("Golf", "package")]
    assert evidence_statements() == []
    # The package was the course's only lesson: the course is finished, with its certificate.
    assert Enrolment.objects.get().completed_at is not None
    assert Certificate.objects.filter(enrolment__course=course).count() == 1


@pytest.mark.django_db
def test_only_the_learners_enrolments_and_live_lessons_count(
    enrolment, learner, training_lead, package
):
    other = Package.objects.create(title="Another", kind=Package.Kind.CMI5)
    send(outcome(training_lead, package))  # not enrolled
    send(outcome(learner, other))  # no lesson uses it
    assert completions() == []

    enrolment.course.unpublish()
    send(outcome(learner, package))

    assert completions() == []
    assert list(Statement.objects.values_list("verb_id", flat=True)) == []


@pytest.mark.django_db
def test_a_passed_package_shows_in_the_outline_and_the_plan(client, enrolment, learner, package):
    golf = lessons()[-1]
    plan_add(user=learner, course=enrolment.course, added_by=learner)
    client.force_login(learner)

    send(outcome(learner, package))

    outline = client.get(enrolment.course.url).content.decode()
    assert texts(outline, f"//*[@id='lesson-{golf.pk}-status']") == ["Completed"]
    assert texts(outline, "//main//p/strong") == ["1 of 5 lessons complete."]
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert texts(dashboard, "//div[contains(@class, 'app-course-card')]/p[1]") == [
        "1 of 5 lessons complete (20%)."
    ]


@pytest.mark.django_db
def test_passing_the_last_lesson_package_finishes_the_course_with_its_certificate(
    client, enrolment, learner, package
):
    client.force_login(learner)
    others = lessons()[:-1]  # all but the package lesson
    for each in others:
        if each.knowledge_check() is None:
            client.post(reverse("complete_lesson", args=[each.pk]))
        else:
            client.post(reverse("submit_check", args=[each.pk]), form(right_answers(each)))
    assert Enrolment.objects.get().completed_at is None

    send(outcome(learner, package))

    finished = Enrolment.objects.get()
    assert finished.completed_at is not None
    assert Certificate.objects.filter(enrolment=finished).count() == 1
    completed = client.get(reverse("course_complete", args=[finished.course_id]))
    assert completed.context["certificate"] == finished.certificate
