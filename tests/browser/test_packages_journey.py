"""A learner takes three bought-in courses from their lessons in Chromium: a SCORM 1.2 package,
a SCORM 2004 package of two parts (left part-way and resumed) and a cmi5 course. Each opens on
the content origin in the same window and comes back to its lesson, which shows the result;
the passes are evidence on the learner's own report. The lesson page and the player pass
axe-core, and the lesson says plainly, without JavaScript, that the package needs it."""

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from courses.loading import course_load
from courses.models import LessonPage
from courses.services import enrolment_create
from packages.services import package_import
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.courses.data import course_data, lesson
from tests.html import table
from tests.scorm.conftest import PACKAGES as SCORM_PACKAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OWN_PACKAGES = Path(__file__).parents[1] / "courses" / "packages"
GEOLOGY = Path(__file__).parents[2] / "content_fixtures" / "packages" / "geology-intro-cmi5.zip"
# The demo's cmi5 sample reduced to its first unit, which completes as it opens.
ONE_UNIT = """<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://academy.example.org/courses/geology-one-unit">
    <title><langstring lang="en-GB">Geology in one unit</langstring></title>
    <description><langstring lang="en-GB">The first unit of the geology sample.</langstring>
    </description>
  </course>
  <au id="https://academy.example.org/courses/geology-one-unit/1" moveOn="Completed">
    <title><langstring lang="en-GB">Introduction to Geology</langstring></title>
    <description><langstring lang="en-GB">What geology studies.</langstring></description>
    <url>index.html?pages=1&amp;complete=launch</url>
  </au>
</courseStructure>
"""


def _zip_folder(folder: Path) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder).as_posix())
    buffer.seek(0)
    return buffer


def _one_unit_geology() -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(GEOLOGY) as source, zipfile.ZipFile(buffer, "w") as archive:
        for entry in source.infolist():
            if entry.filename != "cmi5.xml":
                archive.writestr(entry, source.read(entry))
        archive.writestr("cmi5.xml", ONE_UNIT)
    buffer.seek(0)
    return buffer


def _package_lesson(title, key, competency=None, level=None):
    data = lesson(title, with_check=False)
    value = {"package": key, "competency": competency, "evidences_level": level}
    data["body"].append({"type": "package", "value": value})
    return data


@pytest.fixture
def journey(settings, live_server, tmp_path, requirements, training_lead, learner):
    """Both origins on the one live server (the platform on 127.0.0.1, packages on localhost),
    three package lessons in a published course, and the learner enrolled on it."""
    platform = f"http://127.0.0.1:{urlsplit(live_server.url).port}"
    settings.SITE_URL = platform
    settings.PACKAGE_CONTENT_ORIGIN = live_server.url
    settings.PACKAGE_STORAGE_ROOT = tmp_path / "packages"
    uploads = {
        "scorm12": (_zip_folder(SCORM_PACKAGES / "tiny-scorm12"), "Tiny quiz"),
        "scorm2004": (_zip_folder(OWN_PACKAGES / "two-parts-scorm2004"), "Two parts"),
        "cmi5": (_one_unit_geology(), "Geology in one unit"),
    }
    packages = {
        key: package_import(
            upload=upload, filename=f"{key}.zip", uploaded_by=training_lead, title=title
        )
        for key, (upload, title) in uploads.items()
    }
    data = course_data(slug="bought-in", title="Bought-in courses")
    data["modules"] = [
        {
            "title": "Packages",
            "lessons": [
                _package_lesson("A SCORM 1.2 quiz", "scorm12", "DA.1", 2),
                _package_lesson("A SCORM 2004 course", "scorm2004", "DA.2", 1),
                _package_lesson("A cmi5 course", "cmi5"),
            ],
        }
    ]
    course = course_load(data, owner=training_lead, packages=packages)
    enrolment_create(user=learner, course=course)
    return platform, {each.title: each for each in LessonPage.objects.live()}


def _sign_in(page, user, platform: str) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": platform}])


def _completed_statement(response) -> bool:
    """The unit's "completed" statement, stored by the LRS on the content origin."""
    return (
        "/package-content/cmi5/xapi/statements" in response.url
        and response.ok
        and "/verbs/completed" in (response.request.post_data or "")
    )


def _status(page) -> str:
    return page.locator("#package-progress").inner_text()


def test_a_learner_takes_three_bought_in_courses_and_sees_the_evidence(
    page, new_page, live_server, journey, learner
):
    platform, lessons = journey
    _sign_in(page, learner, platform)
    player = re.compile(rf"^{re.escape(live_server.url)}/package-content/scorm/")

    # SCORM 1.2: start, answer, and back to the lesson, which shows the pass and the score.
    quiz = f"{platform}{lessons['A SCORM 1.2 quiz'].url}"
    page.goto(quiz)
    expect(page.locator("#package-progress")).to_have_text(re.compile(r"Status\s+Not started"))
    expect(page.locator("#package-needs-javascript")).to_be_hidden()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(player)
    sco = page.frame_locator("iframe[data-scorm-frame]")
    expect(sco.locator("#state")).to_contain_text("Entry: ab-initio")
    assert axe_violations(page) == []
    # The learner leaves at once: the player holds the link until the finishing commit is stored.
    sco.get_by_role("button", name="Answer and finish").click()
    page.get_by_role("link", name="Back to the lesson").click()
    expect(page).to_have_url(quiz)
    assert " ".join(_status(page).split()) == "Status Passed Score 90%"
    expect(page.get_by_role("button", name="Start again")).to_be_visible()

    # SCORM 2004, two parts: leave part one half-way, resume it, then finish both parts. The SCO
    # makes the moves itself as it terminates (suspend all, continue, exit all), and the player
    # makes each only once the SCO's finishing commit is stored.
    parts = f"{platform}{lessons['A SCORM 2004 course'].url}"
    page.goto(parts)
    page.get_by_role("button", name="Start").click()
    sco = page.frame_locator("iframe[data-scorm-frame]")
    expect(sco.locator("#state")).to_have_text("Entry: ab-initio, at: ")
    sco.get_by_role("button", name="Leave for now").click()
    expect(page).to_have_url(parts)
    assert " ".join(_status(page).split()) == "Status In progress"
    page.get_by_role("button", name="Resume").click()
    expect(sco.locator("#state")).to_have_text("Entry: resume, at: half-way")
    sco.get_by_role("button", name="Finish this part").click()
    expect(sco.locator("h1")).to_have_text("Part two")
    sco.get_by_role("button", name="Finish this part").click()
    expect(page).to_have_url(parts)
    assert " ".join(_status(page).split()) == "Status Passed Score 80%"

    # cmi5: the unit completes as it opens; its Exit button comes back to the lesson.
    geology = f"{platform}{lessons['A cmi5 course'].url}"
    page.goto(geology)
    with page.expect_response(_completed_statement, timeout=30_000):
        page.get_by_role("button", name="Start Introduction to Geology").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/package-content/"))
    page.locator(".exit-button").first.click()
    expect(page).to_have_url(geology)
    assert " ".join(_status(page).split()) == "Status Completed"

    # The two passes are evidence, named by their packages, on the learner's own report (the
    # finished course is evidence too, of the levels it targets).
    page.goto(f"{platform}/reports/me/")
    rows = table(page.content(), "DA Data")
    assert [(row[0], re.sub(r", \d{1,2} \w+ \d{4}", "", row[4])) for row in rows[1:]] == [
        ("DA.1 Data literacy", "Course completion: level 2 Course package “Tiny quiz”: level 2"),
        ("DA.2 Data ethics", "Course package “Two parts”: level 1"),
    ]

    # Without JavaScript, at 320 pixels, the lesson says plainly that the package needs it.
    narrow = new_page(width=320, javascript=False)
    _sign_in(narrow, learner, platform)
    narrow.goto(quiz)
    expect(narrow.locator("#package-needs-javascript")).to_be_visible()
    expect(narrow.locator("#package-needs-javascript")).to_contain_text(
        "This course package runs in your web browser and needs JavaScript."
    )
    assert (horizontal_overflow(narrow), axe_violations(narrow)) == (0, [])
