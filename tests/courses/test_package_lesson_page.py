"""A lesson with a course package, as the learner and the reviewer see it: the learner's status
and score, the launch button in their words, the note that the package needs JavaScript, and
launching (and refusing to launch) from the page."""

import io
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse

from courses.loading import course_load
from courses.models import Enrolment, LessonCompletion, LessonPage, PackageEvidence
from packages.services import package_import
from scorm.models import Attempt, Sco
from tests.courses.data import course_data, lesson
from tests.html import summary, texts, tree
from tests.scorm.conftest import PACKAGES
from tests.scorm.helpers import cmi12, open_player, post_commit
from xapi.models import Statement
from xapi.vocab import VERB_PASSED

PLATFORM = "http://127.0.0.1:8000"
CONTENT = "http://localhost:8000"
NEEDS_JAVASCRIPT = (
    "! Warning This course package runs in your web browser and needs JavaScript. Turn "
    "JavaScript on in your browser's settings to take it."
)
BUTTONS = "//main//form//button"


def _zip(folder) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder).as_posix())
    buffer.seek(0)
    return buffer


# The people, the package and its course are built once for the module; each test runs in a
# savepoint inside its transaction (tests/conftest.py).
SHARED = ("learner", "training_lead", "framework")


@pytest.fixture(scope="module")
def package_settings(tmp_path_factory):
    return {
        "SITE_URL": PLATFORM,
        "PACKAGE_CONTENT_ORIGIN": CONTENT,
        "PACKAGE_STORAGE_ROOT": tmp_path_factory.mktemp("packages"),
    }


def _quiz(training_lead):
    """The package, and a published course whose last lesson launches it."""
    package = package_import(
        upload=_zip(PACKAGES / "tiny-scorm12"),
        filename="tiny.zip",
        uploaded_by=training_lead,
        title="Tiny quiz",
        attribution="Written for the platform's tests.",
    )
    data = course_data()
    quiz = lesson("Tiny quiz lesson", with_check=False)
    quiz["body"].append(
        {
            "type": "package",
            "value": {"package": "tiny", "competency": "DA.1", "evidences_level": 2},
        }
    )
    data["modules"][1]["lessons"].append(quiz)
    course_load(data, owner=training_lead, packages={"tiny": package})
    return package, LessonPage.objects.get(title="Tiny quiz lesson")


@pytest.fixture(scope="module", autouse=True)
def module_quiz(shared, package_settings):
    with override_settings(**package_settings):
        return shared.build(_quiz, shared["training_lead"])


@pytest.fixture
def package(settings, shared, module_quiz, package_settings):
    for name, value in package_settings.items():
        setattr(settings, name, value)
    return shared.fresh(module_quiz[0])


@pytest.fixture
def quiz(shared, module_quiz, framework, training_lead, package):
    """A published course whose last lesson launches the package."""
    return shared.fresh(module_quiz[1])


@pytest.fixture
def enrolled(client, learner, quiz):
    Enrolment.objects.create(user=learner, course=quiz.course)
    client.force_login(learner)
    return client


def launch(client, lesson, **data):
    return client.post(reverse("package_launch", args=[lesson.pk]), data)


def play(client, lesson, payload):
    """Launch from the lesson page and commit `payload` through the player, as the SCO would."""
    response = launch(client, lesson)
    _, player = open_player(response.url)
    assert post_commit(player["commitUrl"], payload).status_code == 200


@pytest.mark.django_db
def test_a_package_not_started_offers_start_and_says_it_needs_javascript(enrolled, quiz):
    html = enrolled.get(quiz.url).content.decode()

    assert texts(html, "//main//h2") == ["Tiny quiz lesson", "Tiny quiz"]
    assert summary(html) == {"Status": "Not started"}
    assert texts(html, BUTTONS) == ["Start"]
    assert tree(html).xpath("//main//form/@action") == [reverse("package_launch", args=[quiz.pk])]
    # Shown until the page's scripts run (and hidden by them): see the browser journey.
    assert texts(html, "//*[@id='package-needs-javascript']") == [NEEDS_JAVASCRIPT]
    assert texts(html, "//*[@id='package-attribution']") == ["Written for the platform's tests."]


@pytest.mark.django_db
def test_start_goes_to_the_player_on_the_content_origin_and_back_to_the_lesson(enrolled, quiz):
    response = launch(enrolled, quiz)

    address = urlsplit(response.url)
    assert response.status_code == 302
    assert f"{address.scheme}://{address.netloc}" == CONTENT
    assert address.path.startswith("/package-content/scorm/")
    _, player = open_player(response.url)
    assert player["returnUrl"] == f"http://testserver{quiz.url}"


@pytest.mark.django_db
def test_a_suspended_package_shows_in_progress_and_offers_resume(enrolled, quiz):
    play(enrolled, quiz, cmi12("incomplete", exit_="suspend", location="page-2"))

    html = enrolled.get(quiz.url).content.decode()

    assert summary(html) == {"Status": "In progress"}
    assert texts(html, BUTTONS) == ["Resume"]
    assert LessonCompletion.objects.count() == 0


@pytest.mark.django_db
def test_passing_the_package_completes_the_lesson_and_shows_the_score(enrolled, quiz):
    play(enrolled, quiz, cmi12("passed", raw="90"))

    html = enrolled.get(quiz.url).content.decode()

    assert summary(html) == {"Status": "Passed", "Score": "90%"}
    assert texts(html, BUTTONS) == ["Start again"]
    assert texts(html, "//span[contains(@class, 'govuk-caption-l')]") == [
        "Lesson 5 of 5 · Completed"
    ]
    assert list(LessonCompletion.objects.values_list("lesson_id", "via")) == [(quiz.pk, "package")]
    [evidence] = PackageEvidence.objects.all()
    # The SCO's "passed" and the package's come from the SCORM player; the evidence is ours.
    package_iri = f"{PLATFORM}/xapi/activities/package/{evidence.package.uuid}"
    sco_iri = f"{PLATFORM}/xapi/activities/sco/{Sco.objects.get().uuid}"
    passed = Statement.objects.filter(verb_id=VERB_PASSED)
    assert sorted(
        (s.statement_id == evidence.statement_id, s.data["object"]["id"]) for s in passed
    ) == [(False, package_iri), (False, sco_iri), (True, package_iri)]


@pytest.mark.django_db
def test_failing_the_package_says_so_and_leaves_the_lesson_to_do(enrolled, quiz):
    play(enrolled, quiz, cmi12("failed", raw="40"))

    html = enrolled.get(quiz.url).content.decode()

    assert summary(html) == {"Status": "Failed", "Score": "40%"}
    assert texts(html, BUTTONS) == ["Start again"]
    assert LessonCompletion.objects.count() == 0


@pytest.mark.django_db
def test_naming_a_unit_a_scorm_package_does_not_have_is_refused_and_writes_nothing(enrolled, quiz):
    response = launch(enrolled, quiz, unit="42")

    assert response.status_code == 400
    html = response.content.decode()
    assert texts(html, "//div[contains(@class, 'govuk-error-summary')]//li") == [
        "This package starts as a whole; it has no units to choose."
    ]
    assert Attempt.objects.count() == 0


@pytest.mark.django_db
def test_a_lesson_without_a_package_refuses_to_launch(enrolled, quiz):
    other = LessonPage.objects.get(title="Line charts")

    response = launch(enrolled, other)

    assert response.status_code == 400
    assert texts(response.content, "//div[contains(@class, 'govuk-error-summary')]//li") == [
        "This lesson has no course package to start."
    ]
    assert Attempt.objects.count() == 0


@pytest.mark.django_db
def test_someone_not_enrolled_cannot_launch(client, learner, quiz):
    client.force_login(learner)

    response = launch(client, quiz)

    assert (response.status_code, response.url) == (302, quiz.course.url)
    assert Attempt.objects.count() == 0


@pytest.mark.django_db
def test_marking_a_package_lesson_complete_by_hand_is_refused(enrolled, quiz):
    response = enrolled.post(reverse("complete_lesson", args=[quiz.pk]), follow=True)

    assert LessonCompletion.objects.count() == 0
    assert [str(m) for m in response.context["messages"]] == [
        "Finish the course package to complete this lesson."
    ]


@pytest.mark.django_db
def test_the_reviewer_tries_the_package_in_preview_and_nothing_is_recorded(
    client, quiz, training_lead
):
    client.force_login(training_lead)

    html = client.get(reverse("wagtailadmin_pages:view_draft", args=[quiz.pk])).content.decode()
    response = client.post(reverse("package_preview_launch", args=[quiz.pk]))

    assert texts(html, BUTTONS) == ["Try it in preview"]
    assert tree(html).xpath("//main//form/@target") == ["_top"]
    assert summary(html) == {}
    address = urlsplit(response.url)
    assert f"{address.scheme}://{address.netloc}{address.path}".startswith(
        f"{CONTENT}/package-content/scorm/preview/"
    )
    assert parse_qs(address.query) == {"sco": ["quiz"]}
    assert (Attempt.objects.count(), Statement.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_learner_cannot_use_the_preview_launch(client, learner, quiz):
    client.force_login(learner)

    response = client.post(reverse("package_preview_launch", args=[quiz.pk]))

    assert response.status_code == 403
    assert Attempt.objects.count() == 0


@pytest.mark.django_db
def test_a_course_taken_down_launches_nothing(enrolled, quiz):
    quiz.course.unpublish()

    response = launch(enrolled, quiz)

    assert response.status_code == 404
    assert Attempt.objects.count() == 0
