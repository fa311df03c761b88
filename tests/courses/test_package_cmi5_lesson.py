"""A lesson with a cmi5 course: each AU listed with its own launch button, launching the AU on
the content origin with the cmi5 launch parameters, and a unit the course does not have
refused."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse

from cmi5.models import Session
from courses.loading import course_load
from courses.models import Enrolment, LessonPage
from packages.services import package_import
from tests.courses.data import course_data, lesson
from tests.html import summary, texts, tree

PLATFORM = "http://127.0.0.1:8000"
CONTENT = "http://localhost:8000"
GEOLOGY = Path(__file__).parents[2] / "content_fixtures" / "packages" / "geology-intro-cmi5.zip"
UNITS = [
    "Introduction to Geology",
    "Geological Materials",
    "Whole-Earth Structure",
    "Geological Time",
    "Dating Methods",
    "Geological Development of an Area",
    "Applied Geology",
    "Quiz",
]


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


def _geology(training_lead):
    with GEOLOGY.open("rb") as upload:
        package = package_import(
            upload=upload, filename=GEOLOGY.name, uploaded_by=training_lead, title="Geology"
        )
    data = course_data()
    unit = lesson("Geology lesson", with_check=False)
    unit["body"].append({"type": "package", "value": {"package": "geology"}})
    data["modules"][1]["lessons"].append(unit)
    course_load(data, owner=training_lead, packages={"geology": package})
    return LessonPage.objects.get(title="Geology lesson")


@pytest.fixture(scope="module", autouse=True)
def module_geology(shared, package_settings):
    with override_settings(**package_settings):
        return shared.build(_geology, shared["training_lead"])


@pytest.fixture
def geology(settings, shared, module_geology, package_settings, framework, training_lead):
    for name, value in package_settings.items():
        setattr(settings, name, value)
    return shared.fresh(module_geology)


@pytest.fixture
def enrolled(client, learner, geology):
    Enrolment.objects.create(user=learner, course=geology.course)
    client.force_login(learner)
    return client


def unit_keys(html) -> list[str]:
    return tree(html).xpath("//ul[@id='package-units']//input[@name='unit']/@value")


@pytest.mark.django_db
def test_each_unit_of_a_cmi5_course_has_its_own_start_button(enrolled, geology):
    html = enrolled.get(geology.url).content.decode()

    assert summary(html) == {"Status": "Not started"}
    assert texts(html, "//ul[@id='package-units']/li/form/p") == UNITS
    assert texts(html, "//ul[@id='package-units']//button") == [f"Start {title}" for title in UNITS]
    assert len(unit_keys(html)) == 8


@pytest.mark.django_db
def test_starting_a_unit_launches_it_on_the_content_origin_with_cmi5_parameters(
    enrolled, geology, learner
):
    second = unit_keys(enrolled.get(geology.url).content)[1]

    response = enrolled.post(reverse("package_launch", args=[geology.pk]), {"unit": second})

    address = urlsplit(response.url)
    assert response.status_code == 302
    assert f"{address.scheme}://{address.netloc}" == CONTENT
    assert address.path.endswith("/index.html")
    assert sorted(parse_qs(address.query)) == sorted(
        ["pages", "complete", "endpoint", "fetch", "registration", "activityId", "actor"]
    )
    [session] = Session.objects.select_related("au", "registration")
    assert (str(session.au), session.registration.user_id, session.return_url) == (
        "Geological Materials",
        learner.pk,
        f"http://testserver{geology.url}",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("unit", ["", "999999", "not-a-number"])
def test_a_unit_the_course_does_not_have_is_refused_and_nothing_starts(enrolled, geology, unit):
    response = enrolled.post(reverse("package_launch", args=[geology.pk]), {"unit": unit})

    assert response.status_code == 400
    assert texts(response.content, "//div[contains(@class, 'govuk-error-summary')]//li") == [
        "Choose one of this course's units to start."
    ]
    assert Session.objects.count() == 0
