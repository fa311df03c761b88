"""SCOs played in Chromium through the real player and scorm-again: a SCORM 1.2 SCO finds the
API in its parent, its commit lands, and the player page passes axe-core; a SCORM 2004 SCO's
last commit is stored before the player moves on, whichever way it moves."""

import io
import zipfile
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from packages.services import package_import
from scorm.models import Attempt, ScoState
from scorm.services import sco_launch
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.factories import make_person
from tests.scorm.conftest import PACKAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _zip(folder) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder).as_posix())
    buffer.seek(0)
    return buffer


def test_scorm12_sco_commits_through_the_player(page, new_page, live_server, settings, tmp_path):
    # The live server answers on localhost: that is the content origin, 127.0.0.1 the platform.
    port = urlsplit(live_server.url).port
    settings.SITE_URL = f"http://127.0.0.1:{port}"
    settings.PACKAGE_CONTENT_ORIGIN = live_server.url
    settings.PACKAGE_STORAGE_ROOT = tmp_path / "packages"
    author = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])
    package = package_import(
        upload=_zip(PACKAGES / "tiny-scorm12"), filename="tiny.zip", uploaded_by=author
    )
    learner = make_person()
    back = f"{settings.SITE_URL}/learning-plan/"
    page.goto(sco_launch(user=learner, package=package, return_url=back))

    sco = page.frame_locator("iframe[data-scorm-frame]")
    expect(sco.locator("#state")).to_contain_text("Entry: ab-initio, learner: ")
    sco.get_by_role("button", name="Answer and finish").click()
    expect(sco.locator("#state")).to_have_text("Finished: true")
    # Said only once the platform has answered the finishing commit: the state is stored.
    expect(page.get_by_role("status")).to_have_text("Your progress in this part is saved.")
    state = ScoState.objects.get()
    assert (
        state.cmi["core"]["lesson_location"],
        state.completion_status,
        state.success_status,
        state.score_scaled,
        state.total_seconds,
    ) == ("question-1", "completed", "passed", 0.9, 65.0)
    assert Attempt.objects.values_list("completed", "passed").get() == (True, True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiny quiz")
    expect(page.get_by_text("This course needs JavaScript")).to_have_count(0)
    expect(page.get_by_role("link", name="Back to the lesson")).to_have_attribute("href", back)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    assert (horizontal_overflow(page), axe_violations(page)) == (0, [])

    # A multi-SCO package's navigation (contents, parts not available yet), without JavaScript.
    golf = package_import(
        upload=_zip(PACKAGES / "golf-scorm2004-forced-sequential"),
        filename="golf.zip",
        uploaded_by=author,
    )
    narrow = new_page(width=320, javascript=False)
    narrow.goto(sco_launch(user=learner, package=golf, return_url=back))
    expect(narrow.get_by_text("This course needs JavaScript to run")).to_be_visible()
    expect(narrow.get_by_role("link", name="Next part")).to_have_count(0)
    expect(narrow.get_by_text("Not available yet")).to_have_count(4)
    assert (horizontal_overflow(narrow), axe_violations(narrow)) == (0, [])


def test_a_sco_that_terminates_asking_to_continue_is_stored_before_the_next_part(
    page, live_server, settings, tmp_path
):
    """The SCO's finishing commit (the most suspend data SCORM allows, so not a keepalive
    request) must be stored before the next part loads: read straight after, with no waiting.
    The same holds for the player's own link, left with the SCO still running; a commit that
    fails keeps the learner where they are."""
    port = urlsplit(live_server.url).port
    settings.SITE_URL = f"http://127.0.0.1:{port}"
    settings.PACKAGE_CONTENT_ORIGIN = live_server.url
    settings.PACKAGE_STORAGE_ROOT = tmp_path / "packages"
    learner = make_person()
    package = package_import(
        upload=_zip(PACKAGES / "note-and-continue-scorm2004"),
        filename="notes.zip",
        uploaded_by=make_person(roles=[Role.TRAINING_LEAD]),
    )
    page.goto(sco_launch(user=learner, package=package, return_url=settings.SITE_URL))
    sco = page.frame_locator("iframe[data-scorm-frame]")
    expect(sco.locator("#state")).to_have_text("Entry: ab-initio, at: ")
    sco.get_by_role("button", name="Note and continue").click()
    expect(sco.locator("h1")).to_have_text("Part two")
    expect(sco.locator("#state")).to_have_text("Entry: ab-initio, at: ")

    def stored(identifier):
        state = ScoState.objects.get(sco__identifier=identifier)
        return (state.cmi["location"], state.cmi["suspend_data"], state.exit, state.commits)

    assert stored("one") == ("page-3", "0123456789abcdef" * 4000, "suspend", 1)

    # Part two notes that it was read and is left by the player's Previous link, unfinished:
    # the player unloads it, stores what it set, and only then opens part one, which resumes.
    page.get_by_role("link", name="Previous part").click()
    expect(sco.locator("#state")).to_have_text("Entry: resume, at: page-3")
    assert stored("two") == ("Part two read", "", "", 1)

    # A finishing commit the platform refuses (here the attempt's address no longer exists):
    # the learner stays on the part and is told plainly.
    Attempt.objects.update(token="withdrawn")
    sco.get_by_role("button", name="Note and continue").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your progress in this part could not be saved. Check your connection, then choose a "
        "part or go back to the lesson."
    )
    expect(sco.locator("h1")).to_have_text("Part one")
    assert (page.url.endswith("?sco=one"), axe_violations(page)) == (True, [])
