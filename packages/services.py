"""Writes for packages: importing an upload (checked, unpacked, read by its kind) and deleting."""

import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from . import kinds, unpacking
from .errors import PackageRejected
from .models import Package

# A course structure file is a few kilobytes; anything near this is not one.
MAX_XML_BYTES = 5 * 1024 * 1024
_MANIFESTS = ("cmi5.xml", "imsmanifest.xml")


def package_import(
    *, upload: BinaryIO, filename: str, uploaded_by, title: str = "", attribution: str = ""
) -> Package:
    """Import an uploaded package (a zip, or a standalone cmi5.xml when `filename` ends .xml).

    Checks and unpacks it beside the storage root, lets its kind read the manifest, and moves the
    files into place, all or nothing: on PackageRejected no row and no file is left."""
    unpacking.check_upload_size(upload)
    if filename.lower().endswith(".xml"):
        return _import_xml(upload, filename, uploaded_by, title, attribution)
    return _import_zip(upload, filename, uploaded_by, title, attribution)


def _import_xml(upload, filename, uploaded_by, title, attribution) -> Package:
    upload.seek(0)
    xml = upload.read(MAX_XML_BYTES + 1)
    if len(xml) > MAX_XML_BYTES:
        raise PackageRejected(gettext("The XML file is too large to be a course structure file."))
    detected = kinds.detect_kind(frozenset(), filename)
    if detected is None:
        raise PackageRejected(
            gettext(
                "Only a cmi5 course structure file (cmi5.xml) can be uploaded on its own; other "
                "packages are uploaded as a .zip."
            )
        )
    kind, value = detected
    with transaction.atomic():
        package = _new_package(value, filename, uploaded_by, title, attribution)
        kind.import_package(package=package, root=None, xml=xml)
        _finish(package, filename)
    return package


def _import_zip(upload, filename, uploaded_by, title, attribution) -> Package:
    with unpacking.open_zip(upload) as archive:
        entries = unpacking.checked_entries(archive)
        names = frozenset(info.filename for info in entries)
        detected = kinds.detect_kind(names, filename)
        if detected is None:
            raise PackageRejected(_unknown_kind_message(names))
        kind, value = detected
        storage_root = Path(settings.PACKAGE_STORAGE_ROOT)
        storage_root.mkdir(parents=True, exist_ok=True)
        # Unpacked beside its final place (same file system), so moving it in is one rename.
        incoming = Path(tempfile.mkdtemp(prefix=".incoming-", dir=storage_root))
        # mkdtemp makes it private; once in place it is an ordinary, readable package folder.
        incoming.chmod(0o755)
        final: Path | None = None
        try:
            unpacked = unpacking.extract(archive, entries, incoming)
            with transaction.atomic():
                package = _new_package(value, filename, uploaded_by, title, attribution)
                kind.import_package(package=package, root=incoming, xml=None)
                package.content_root = str(package.uuid)
                package.file_count = unpacked.file_count
                package.unpacked_bytes = unpacked.unpacked_bytes
                final = storage_root / package.content_root
                incoming.rename(final)
                _finish(package, filename)
        except BaseException:
            unpacking.remove_tree(incoming)
            unpacking.remove_tree(final)
            raise
    return package


def _new_package(kind_value, filename, uploaded_by, title, attribution) -> Package:
    return Package.objects.create(
        kind=kind_value,
        title=title.strip()[:255],
        attribution=attribution.strip(),
        uploaded_by=uploaded_by,
    )


def _finish(package: Package, filename: str) -> None:
    if package.kind not in Package.Kind.values:
        raise ValueError(f"The importer left the package with an unknown kind {package.kind!r}.")
    if not package.title.strip():
        # Neither the uploader nor the manifest named it: the file's name is better than nothing.
        package.title = Path(filename).stem[:255] or "Untitled package"
    package.save()


def _unknown_kind_message(names: frozenset[str]) -> str:
    nested = sorted(
        name
        for name in names
        if name.count("/") == 1 and name.rsplit("/", 1)[1].lower() in _MANIFESTS
    )
    message = gettext(
        "This zip has neither a cmi5.xml nor an imsmanifest.xml at its root, so it is not a "
        "cmi5 course or a SCORM package the platform can import."
    )
    if nested:
        folder = nested[0].split("/", 1)[0]
        message += " " + gettext(
            "Its manifest is inside the folder '%(folder)s': zip that folder's contents, not "
            "the folder itself."
        ) % {"folder": folder}
    return message


def package_delete(*, package: Package) -> None:
    """Delete a package's row; its files go when the deletion is committed."""
    with transaction.atomic():
        package.delete()


def package_storage_prune(*, older_than: timedelta, dry_run: bool = False) -> list[str]:
    """Remove what no package owns from the storage root: folders an interrupted import left
    (`.incoming-…`, or a folder whose row was rolled back) and folders of deleted packages.
    Only folders untouched for `older_than` go, so an import under way is never disturbed.
    Returns the names removed (or that would be, with dry_run)."""
    storage_root = Path(settings.PACKAGE_STORAGE_ROOT)
    if not storage_root.is_dir():
        return []
    owned = set(Package.objects.exclude(content_root="").values_list("content_root", flat=True))
    cutoff = time.time() - older_than.total_seconds()
    removed = []
    for folder in sorted(storage_root.iterdir()):
        if folder.name in owned or folder.stat().st_mtime > cutoff:
            continue
        removed.append(folder.name)
        if not dry_run:
            if folder.is_dir() and not folder.is_symlink():
                unpacking.remove_tree(folder)
            else:
                folder.unlink()
    return removed
