"""package_import: a good package is stored whole; a bad one is refused and leaves nothing."""

import io
import struct
import zipfile

import pytest

from packages.errors import PackageRejected
from packages.models import Package
from packages.services import package_import
from tests.packages.conftest import stored_entries
from tests.packages.zips import (
    CMI5_XML,
    MANIFEST,
    cmi5_zip,
    symlink_info,
    upload,
    zip_bytes,
    zip_with_entries,
)

pytestmark = pytest.mark.django_db


def import_bytes(data: bytes, filename: str = "course.zip", **fields) -> Package:
    return package_import(upload=upload(data), filename=filename, uploaded_by=None, **fields)


def refusal(data: bytes, filename: str = "course.zip") -> str:
    with pytest.raises(PackageRejected) as refused:
        import_bytes(data, filename)
    return refused.value.message


def test_cmi5_zip_is_unpacked_under_its_uuid(stand_in_kinds, storage_root, training_lead):
    data = cmi5_zip(**{"media/clip.txt": b"x" * 10})

    package = package_import(
        upload=upload(data),
        filename="golf.zip",
        uploaded_by=training_lead,
        title="  Golf explained ",
        attribution="Rustici Software, CC BY 3.0",
    )

    stored = Package.objects.get()
    assert (stored.pk, stored.kind, stored.title, stored.attribution, stored.uploaded_by) == (
        package.pk,
        "cmi5",
        "Golf explained",
        "Rustici Software, CC BY 3.0",
        training_lead,
    )
    assert (stored.content_root, stored.file_count, stored.unpacked_bytes) == (
        str(stored.uuid),
        3,
        len(CMI5_XML) + len(b"<!doctype html><p>AU</p>") + 10,
    )
    assert stored_entries(storage_root) == [
        str(stored.uuid),
        f"{stored.uuid}/cmi5.xml",
        f"{stored.uuid}/index.html",
        f"{stored.uuid}/media",
        f"{stored.uuid}/media/clip.txt",
    ]
    assert [call["manifest"] for call in stand_in_kinds.calls] == [CMI5_XML]


def test_scorm_importer_sets_the_kind_it_read_from_the_manifest(stand_in_kinds, storage_root):
    package = import_bytes(zip_bytes({"imsmanifest.xml": MANIFEST, "sco.html": b"<p>SCO</p>"}))

    assert (package.kind, package.title, package.file_count) == ("scorm2004", "course", 2)
    assert Package.objects.get().kind == "scorm2004"


def test_title_comes_from_the_manifest_when_none_is_given(stand_in_kinds):
    assert import_bytes(cmi5_zip()).title == "Title from the manifest"


def test_zip64_package_is_accepted(stand_in_kinds, storage_root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in {"cmi5.xml": CMI5_XML, "index.html": b"<p>AU</p>"}.items():
            with archive.open(name, "w", force_zip64=True) as entry:
                entry.write(data)

    package = import_bytes(buffer.getvalue())

    assert (package.kind, package.file_count) == ("cmi5", 2)


def test_standalone_cmi5_xml_has_no_files(stand_in_kinds, storage_root):
    package = import_bytes(CMI5_XML, "cmi5.xml")

    assert (package.kind, package.content_root, package.file_count, package.unpacked_bytes) == (
        "cmi5",
        "",
        0,
        0,
    )
    assert stand_in_kinds.calls == [{"kind": "cmi5", "root": None, "manifest": CMI5_XML}]
    assert stored_entries(storage_root) == []


def assert_nothing_stored(storage_root) -> None:
    assert (Package.objects.count(), stored_entries(storage_root)) == (0, [])


def test_importer_rejection_leaves_no_row_and_no_files(stand_in_kinds, storage_root):
    data = zip_bytes({"cmi5.xml": b"<courseStructure>REFUSE</courseStructure>", "a.html": b"a"})

    assert refusal(data) == "The course structure has no AUs."
    assert_nothing_stored(storage_root)


def test_standalone_xml_rejection_leaves_no_row(stand_in_kinds, storage_root):
    assert refusal(b"<courseStructure>REFUSE</courseStructure>", "cmi5.xml") == (
        "The course structure has no AUs."
    )
    assert_nothing_stored(storage_root)


def test_not_a_zip_is_refused(stand_in_kinds, storage_root):
    assert refusal(b"%PDF-1.7 not a zip") == (
        "The file is not a zip file (or it is damaged). Upload the package's .zip, or a "
        "cmi5.xml course structure file."
    )
    assert_nothing_stored(storage_root)


def test_zip_without_a_manifest_is_refused(stand_in_kinds, storage_root):
    assert refusal(zip_bytes({"index.html": b"<p>hi</p>"})) == (
        "This zip has neither a cmi5.xml nor an imsmanifest.xml at its root, so it is not a "
        "cmi5 course or a SCORM package the platform can import."
    )
    assert_nothing_stored(storage_root)


def test_manifest_in_a_folder_is_refused_with_a_hint(stand_in_kinds, storage_root):
    message = refusal(zip_bytes({"golf/imsmanifest.xml": MANIFEST, "golf/a.html": b"a"}))

    assert message == (
        "This zip has neither a cmi5.xml nor an imsmanifest.xml at its root, so it is not a "
        "cmi5 course or a SCORM package the platform can import. Its manifest is inside the "
        "folder 'golf': zip that folder's contents, not the folder itself."
    )
    assert_nothing_stored(storage_root)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../evil.html", "has '..', '.' or an empty folder name in its path"),
        ("media/../../evil.html", "has '..', '.' or an empty folder name in its path"),
        ("media/..", "has '..', '.' or an empty folder name in its path"),
        ("./cmi5-copy.xml", "has '..', '.' or an empty folder name in its path"),
        ("media//evil.html", "has '..', '.' or an empty folder name in its path"),
        ("/etc/cron.d/evil", "has an absolute path"),
        ("C:/Windows/evil.dll", "has an absolute path"),
        ("c:evil.dll", "has an absolute path"),
        ("..\\evil.html", "uses backslashes in its path"),
        ("media\\..\\..\\evil.html", "uses backslashes in its path"),
        ("evil\n.html", "has control characters in its name"),
        ("a" * 256 + ".html", "has a name too long to store"),
    ],
)
def test_paths_that_leave_the_package_are_refused(stand_in_kinds, storage_root, name, problem):
    # zipfile keeps names as given, as a crafted zip would (it cuts them at NUL itself).
    info = zipfile.ZipInfo("placeholder")
    info.filename = name
    data = zip_with_entries([(zipfile.ZipInfo("cmi5.xml"), CMI5_XML), (info, b"owned")])

    assert refusal(data) == (
        f"The zip entry {name[:200]!r} {problem}. Packages may only hold files inside their own "
        "folder; this zip was refused."
    )
    assert_nothing_stored(storage_root)
    assert not (storage_root.parent / "evil.html").exists()


def test_symbolic_link_entry_is_refused(stand_in_kinds, storage_root):
    data = zip_with_entries(
        [(zipfile.ZipInfo("cmi5.xml"), CMI5_XML), (symlink_info("passwd"), b"/etc/passwd")]
    )

    assert refusal(data) == (
        "The zip entry 'passwd' is a symbolic link. Packages may not contain links."
    )
    assert_nothing_stored(storage_root)


def test_encrypted_entry_is_refused(stand_in_kinds, storage_root):
    data = bytearray(zip_bytes({"cmi5.xml": CMI5_XML}))
    # zipfile cannot write encrypted entries: set the "encrypted" flag in both headers.
    for signature, flags_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + flags_offset] |= 0x1
    data = bytes(data)

    assert refusal(data) == (
        "The zip is encrypted (password-protected). Upload an unencrypted package."
    )
    assert_nothing_stored(storage_root)


def test_zip_bomb_entry_is_stopped_by_its_compression_ratio(stand_in_kinds, storage_root):
    # 20 MB of zeros deflates to about 20 KB: a ratio near 1,000.
    data = cmi5_zip(**{"media/zeros.bin": bytes(20 * 1024 * 1024)})

    assert refusal(data) == (
        "The zip entry 'media/zeros.bin' expands more than 200 times its compressed size, as zip "
        "bombs do; the zip was refused."
    )
    assert_nothing_stored(storage_root)


def test_unpacked_size_over_the_limit_is_refused(settings, stand_in_kinds, storage_root):
    settings.PACKAGE_MAX_UNPACKED_BYTES = 1000
    data = cmi5_zip(**{"media/big.txt": b"y" * 1000})

    assert refusal(data) == (
        "The package unpacks to more than 1000\xa0bytes, the most a package may take."
    )
    assert_nothing_stored(storage_root)


def test_entry_larger_than_its_header_says_is_refused(stand_in_kinds, storage_root):
    data = bytearray(cmi5_zip(**{"media/zeros.bin": bytes(4096)}))
    # Claim 16 bytes in the central directory entry (46 bytes before its name, the last copy).
    entry = data.rfind(b"media/zeros.bin") - 46
    struct.pack_into("<I", data, entry + 24, 16)

    assert refusal(bytes(data)) == (
        "The zip is damaged: 'media/zeros.bin' could not be read "
        "(Bad CRC-32 for file 'media/zeros.bin')."
    )
    assert_nothing_stored(storage_root)


def test_too_many_files_are_refused(settings, stand_in_kinds, storage_root):
    settings.PACKAGE_MAX_FILES = 3
    data = cmi5_zip(**{"a.html": b"a", "b.html": b"b"})

    assert refusal(data) == "The zip holds more than 3 files, the most a package may have."
    assert_nothing_stored(storage_root)


def test_a_zip_declaring_far_too_many_entries_is_refused_unread(
    settings, stand_in_kinds, storage_root
):
    settings.PACKAGE_MAX_FILES = 3
    data = cmi5_zip(**{f"page-{number}.html": b"p" for number in range(5)})

    assert refusal(data) == (
        "The zip holds more entries than a package may have (at most 3 files)."
    )
    assert_nothing_stored(storage_root)


def test_a_zip_whose_directory_is_too_big_for_its_declared_entries_is_refused_unread(
    settings, stand_in_kinds, storage_root
):
    settings.PACKAGE_MAX_FILES = 3
    # One entry, but a central directory of over 6 * 512 bytes (a comment fills it here; a
    # crafted zip would pack it with entries its end record does not count).
    info = zipfile.ZipInfo("cmi5.xml")
    info.comment = b"c" * 4000
    data = zip_with_entries([(info, CMI5_XML)])

    assert refusal(data) == (
        "The zip holds more entries than a package may have (at most 3 files)."
    )
    assert_nothing_stored(storage_root)


def test_upload_over_the_size_limit_is_refused_before_reading(settings, stand_in_kinds):
    settings.PACKAGE_MAX_UPLOAD_BYTES = 100

    assert refusal(cmi5_zip()) == (
        "The file is larger than the 100\xa0bytes a package may be. Ask the supplier for a "
        "smaller package or split the course."
    )
    assert stand_in_kinds.calls == []


def test_duplicate_entries_are_refused(stand_in_kinds, storage_root):
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = zip_with_entries(
            [(zipfile.ZipInfo("cmi5.xml"), CMI5_XML), (zipfile.ZipInfo("cmi5.xml"), b"<other/>")]
        )

    assert refusal(data) == "The zip holds 'cmi5.xml' twice; it was refused as ambiguous."
    assert_nothing_stored(storage_root)


def test_file_and_folder_of_the_same_name_are_refused(stand_in_kinds, storage_root):
    data = cmi5_zip(**{"media": b"a file", "media/clip.txt": b"in a folder"})

    assert refusal(data) == (
        "The zip entry 'media/clip.txt' clashes with another file or folder of the same name."
    )
    assert_nothing_stored(storage_root)


def test_xml_upload_with_no_kind_for_it_is_refused(monkeypatch, storage_root):
    from packages import kinds

    monkeypatch.setattr(kinds, "_kinds", {})

    assert refusal(b"<manifest/>", "imsmanifest.xml") == (
        "Only a cmi5 course structure file (cmi5.xml) can be uploaded on its own; other "
        "packages are uploaded as a .zip."
    )
    assert_nothing_stored(storage_root)
