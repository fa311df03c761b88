"""A training lead uploads course packages in the CMS, in a real browser: a SCORM 1.2 package is
listed with its kind, a zip that reaches outside its folder is refused with the reason beside
the file field, and nothing is stored. The form, the form with its error and the listing pass
axe-core, reflow at 320 px and work with JavaScript off (at a width where Wagtail's own sidebar,
which needs JavaScript to fold away, leaves room for the page)."""

import io
import zipfile

import pytest
from django.template.defaultfilters import filesizeformat
from playwright.sync_api import expect

from accounts.roles import Role
from packages.models import Package
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.factories import make_person
from tests.packages.conftest import stored_entries
from tests.scorm.conftest import PACKAGES as SCORM_PACKAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SLOW = 30_000
ADD_URL = "/cms/snippets/packages/package/add/"
LIST_URL = "/cms/snippets/packages/package/"
ESCAPING = (
    "The zip entry '../escape.html' has '..', '.' or an empty folder name in its path. "
    "Packages may only hold files inside their own folder; this zip was refused."
)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tiny_scorm12() -> bytes:
    folder = SCORM_PACKAGES / "tiny-scorm12"
    return _zip({path.name: path.read_bytes() for path in sorted(folder.iterdir())})


def _size_of_tiny_scorm12() -> str:
    folder = SCORM_PACKAGES / "tiny-scorm12"
    size = filesizeformat(sum(path.stat().st_size for path in folder.iterdir()))
    return " ".join(size.split())


def _rows(listing) -> list[list[str]]:
    """The table's rows as a person sees them: each cell's visible words."""
    return listing.evaluate(
        "t => [...t.rows].map(r => [...r.cells]"
        ".map(c => c.innerText.split(/\\s+/).join(' ').trim()))"
    )


def _choose(page, name: str, data: bytes) -> None:
    # Wagtail's panel heading and anchors share the field's label; the input is the file chooser.
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/zip", "buffer": data}]
    )


def _settled(page) -> None:
    """Wait until Wagtail's messages (the success banner, the footer's "unsaved edits" warning
    that a form with errors shows) have faded in, so axe judges their contrast as people see
    it. Only their own animations count: a menu badge of Wagtail's pulses for 25 s."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-controller~=w-messages]')]"
        ".every(m => m.getAnimations({subtree: true}).every(a => a.playState !== 'running'))"
    )


@pytest.mark.parametrize(("width", "javascript"), [(1280, True), (320, True), (1280, False)])
def test_a_training_lead_uploads_packages_through_accessible_screens(
    new_page, sign_in_as, settings, tmp_path, width, javascript
):
    settings.PACKAGE_STORAGE_ROOT = tmp_path / "packages"
    training_lead = make_person(
        roles=[Role.LEARNER, Role.TRAINING_LEAD], first_name="Tess", last_name="Lead"
    )
    page = new_page(width=width, javascript=javascript)
    page.set_default_timeout(SLOW)
    sign_in_as(page, training_lead)

    # A refused package: the reason is the file field's error, and nothing is kept.
    page.goto(ADD_URL)
    expect(page.get_by_role("link", name="New: Package")).to_be_visible()
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)
    _choose(page, "escape.zip", _zip({"../escape.html": b"x", "imsmanifest.xml": b"<m/>"}))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("[id$='-package-errors']")).to_have_text(ESCAPING)
    _settled(page)
    assert (Package.objects.count(), stored_entries(tmp_path)) == (0, [])
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)

    # A valid SCORM 1.2 package: listed with its kind, under the title the training lead gave.
    _choose(page, "tiny.zip", _tiny_scorm12())
    page.get_by_role("textbox", name="Title").fill("Tiny quiz")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(f"{page.url.split('/cms/')[0]}{LIST_URL}")
    expect(page.get_by_text("Package 'Tiny quiz (SCORM 1.2)' created.")).to_be_visible()
    rows = _rows(page.locator("main table.listing"))
    # The first column holds Wagtail's bulk-action checkboxes.
    assert rows == [
        ["", "Title", "Kind", "Files", "Size", "Uploaded by", "Uploaded"],
        ["", "Tiny quiz", "SCORM 1.2", "2", _size_of_tiny_scorm12(), "Tess Lead", "Just now"],
    ]
    assert Package.objects.get().title == "Tiny quiz"
    _settled(page)
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)
