"""The CMS screens for course packages: upload, list, retitle; training leads and administrators."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from packages.models import Package
from tests.html import texts
from tests.packages.conftest import stored_entries
from tests.packages.zips import CMI5_XML, MANIFEST, cmi5_zip, zip_bytes

LIST_URL = "/cms/snippets/packages/package/"
ADD_URL = f"{LIST_URL}add/"


def signed_in(person) -> Client:
    browser = Client()
    browser.force_login(person)
    return browser


def zip_upload(data: bytes, name: str = "golf.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def package_errors(response) -> list[str]:
    return texts(response.content, "//*[contains(@id, '-package-errors')]//p")


def test_training_lead_uploads_a_package_and_sees_it_listed(
    training_lead, stand_in_kinds, storage_root
):
    browser = signed_in(training_lead)
    form = browser.get(ADD_URL)

    response = browser.post(
        ADD_URL,
        {
            "package": zip_upload(cmi5_zip(**{"media/clip.txt": b"x" * 2000})),
            "title": "Golf explained",
            "attribution": "Rustici Software, CC BY 3.0",
        },
    )

    assert texts(form.content, "//form[@enctype='multipart/form-data']//label") == [
        "Package file *",
        "Title",
        "Attribution",
    ]
    assert (response.status_code, response["Location"]) == (302, LIST_URL)
    package = Package.objects.get()
    assert (package.title, package.kind, package.attribution, package.uploaded_by) == (
        "Golf explained",
        "cmi5",
        "Rustici Software, CC BY 3.0",
        training_lead,
    )
    assert stored_entries(storage_root)[0] == str(package.uuid)
    listing = browser.get(LIST_URL).content
    assert texts(listing, "//main//table[contains(@class, 'listing')]//tr") == [
        "Title Kind Files Size Uploaded by Uploaded",
        f"Golf explained Edit cmi5 3 2.1 KB {training_lead.get_full_name()} Just now",
    ]


def test_a_standalone_cmi5_xml_is_uploaded_without_files(training_lead, stand_in_kinds):
    response = signed_in(training_lead).post(
        ADD_URL,
        {"package": SimpleUploadedFile("cmi5.xml", CMI5_XML, content_type="text/xml")},
    )

    assert response.status_code == 302
    package = Package.objects.get()
    assert (package.kind, package.title, package.content_root, package.file_count) == (
        "cmi5",
        "Title from the manifest",
        "",
        0,
    )


def test_a_rejected_package_is_a_form_error_and_stores_nothing(
    training_lead, stand_in_kinds, storage_root
):
    response = signed_in(training_lead).post(
        ADD_URL, {"package": zip_upload(zip_bytes({"../evil.html": b"x", "cmi5.xml": b"<c/>"}))}
    )

    assert response.status_code == 200
    assert package_errors(response) == [
        "The zip entry '../evil.html' has '..', '.' or an empty folder name in its path. "
        "Packages may only hold files inside their own folder; this zip was refused."
    ]
    assert (Package.objects.count(), stored_entries(storage_root)) == (0, [])


def test_an_importer_rejection_is_a_form_error_and_stores_nothing(
    training_lead, stand_in_kinds, storage_root
):
    response = signed_in(training_lead).post(
        ADD_URL, {"package": zip_upload(zip_bytes({"cmi5.xml": b"<c>REFUSE</c>"}))}
    )

    assert package_errors(response) == ["The course structure has no AUs."]
    assert (Package.objects.count(), stored_entries(storage_root)) == (0, [])


def test_a_file_that_is_not_a_package_is_a_form_error(training_lead, stand_in_kinds):
    response = signed_in(training_lead).post(
        ADD_URL, {"package": zip_upload(b"%PDF-1.7", "report.pdf")}
    )

    assert package_errors(response) == ["Choose a package (.zip) or a cmi5.xml file."]
    assert Package.objects.count() == 0


def test_the_package_file_is_required(training_lead, stand_in_kinds):
    response = signed_in(training_lead).post(ADD_URL, {"title": "No file"})

    assert package_errors(response) == ["This field is required."]
    assert Package.objects.count() == 0


def test_editing_changes_only_the_title_and_attribution(
    training_lead, stand_in_kinds, storage_root
):
    browser = signed_in(training_lead)
    browser.post(ADD_URL, {"package": zip_upload(zip_bytes({"imsmanifest.xml": MANIFEST}))})
    package = Package.objects.get()
    edit_url = f"{LIST_URL}edit/{package.pk}/"

    form = browser.get(edit_url)
    response = browser.post(
        edit_url, {"title": "Renamed", "attribution": "Supplier", "kind": "cmi5", "file_count": 9}
    )

    assert texts(form.content, "//main//form//label") == ["Title *", "Attribution"]
    assert response.status_code == 302
    package.refresh_from_db()
    assert (package.title, package.attribution, package.kind, package.file_count) == (
        "Renamed",
        "Supplier",
        "scorm2004",
        1,
    )


def test_only_administrators_delete_packages_and_the_files_go_too(
    training_lead, administrator, stand_in_kinds, storage_root, django_capture_on_commit_callbacks
):
    signed_in(training_lead).post(ADD_URL, {"package": zip_upload(cmi5_zip())})
    package = Package.objects.get()
    delete_url = f"{LIST_URL}delete/{package.pk}/"

    refused = signed_in(training_lead).post(delete_url)
    with django_capture_on_commit_callbacks(execute=True):
        deleted = signed_in(administrator).post(delete_url)

    assert (refused.status_code, refused["Location"]) == (302, "/cms/")
    assert deleted.status_code == 302
    assert (Package.objects.count(), stored_entries(storage_root)) == (0, [])


@pytest.mark.parametrize("persona", ["learner", "department_lead", "cto_office"])
def test_other_roles_cannot_reach_the_package_screens(people, persona, stand_in_kinds):
    browser = signed_in(people[persona])

    listing = browser.get(LIST_URL)
    upload = browser.post(ADD_URL, {"package": zip_upload(cmi5_zip())})

    assert (listing.status_code, upload.status_code) == (403, 403)
    assert Package.objects.count() == 0


def test_a_package_a_lesson_uses_cannot_be_deleted(
    administrator, training_lead, framework, stand_in_kinds, storage_root
):
    from courses.loading import course_load
    from tests.courses.data import course_data, lesson

    signed_in(training_lead).post(ADD_URL, {"package": zip_upload(cmi5_zip())})
    package = Package.objects.get()
    data = course_data()
    golf = lesson("Golf rules", with_check=False)
    golf["body"].append(
        {
            "type": "package",
            "value": {"package": "golf", "competency": None, "evidences_level": None},
        }
    )
    data["modules"][0]["lessons"].append(golf)
    course_load(data, owner=training_lead, packages={"golf": package})
    delete_url = f"{LIST_URL}delete/{package.pk}/"
    browser = signed_in(administrator)

    confirmation = browser.get(delete_url)
    refused = browser.post(delete_url)

    assert texts(confirmation.content, "//main//form//button[@type='submit']") == []
    assert refused.status_code == 302
    assert (Package.objects.count(), stored_entries(storage_root)[0]) == (1, str(package.uuid))


def test_the_listing_costs_the_same_queries_for_one_package_or_many(
    training_lead, administrator, stand_in_kinds
):
    browser = signed_in(training_lead)
    browser.get(LIST_URL)

    def listing_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(LIST_URL).status_code == 200
        return len(captured)

    browser.post(ADD_URL, {"package": zip_upload(cmi5_zip())})
    one = listing_queries()
    for uploader in (training_lead, administrator, administrator, training_lead):
        signed_in(uploader).post(ADD_URL, {"package": zip_upload(cmi5_zip())})
    five = listing_queries()

    assert (Package.objects.count(), five) == (5, one)
