"""Safe unpacking of an uploaded zip: every entry's path, type and size is checked, and sizes are
counted while the bytes are written, so a zip that lies in its headers is still caught."""

import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from .errors import PackageRejected

_CHUNK = 64 * 1024
# A small file (a page of spaces) may compress far better than any limit; the ratio is only
# judged once an entry is bigger than this, which is where a zip bomb does its harm.
_RATIO_GRACE_BYTES = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Linux refuses longer names; refusing them here gives a message instead of an OSError.
_MAX_NAME_BYTES = 255
_MAX_PATH_BYTES = 1024


@dataclass(frozen=True)
class Unpacked:
    file_count: int
    unpacked_bytes: int


def upload_size(upload: BinaryIO) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        size = upload.seek(0, 2)
        upload.seek(position)
    return size


def check_upload_size(upload: BinaryIO) -> None:
    limit = settings.PACKAGE_MAX_UPLOAD_BYTES
    if upload_size(upload) > limit:
        raise PackageRejected(
            gettext(
                "The file is larger than the %(limit)s a package may be. "
                "Ask the supplier for a smaller package or split the course."
            )
            % {"limit": filesizeformat(limit)}
        )


# Generous for a central directory entry: 46 fixed bytes, a path and extra fields.
_DIRECTORY_BYTES_PER_ENTRY = 512


def _directory_too_big(upload: BinaryIO) -> bool:
    """Whether the zip's end record declares more entries, or a bigger central directory, than
    a package may have, read before zipfile builds an object for every entry (a small zip of
    empty entries could otherwise take gigabytes of memory). zipfile's reader of that record
    is private, so its absence only skips this early check."""
    read_end_record = getattr(zipfile, "_EndRecData", None)
    if read_end_record is None:
        return False
    upload.seek(0)
    try:
        record = read_end_record(upload)
    except (OSError, ValueError, zipfile.BadZipFile):
        return False
    if not record:
        return False
    # Folders are entries too: allow as many of them as files.
    max_entries = 2 * settings.PACKAGE_MAX_FILES
    return (
        record[zipfile._ECD_ENTRIES_TOTAL] > max_entries
        or record[zipfile._ECD_SIZE] > max_entries * _DIRECTORY_BYTES_PER_ENTRY
    )


def open_zip(upload: BinaryIO) -> zipfile.ZipFile:
    if _directory_too_big(upload):
        raise PackageRejected(
            gettext("The zip holds more entries than a package may have (at most %(count)s files).")
            % {"count": f"{settings.PACKAGE_MAX_FILES:,}"}
        )
    upload.seek(0)
    try:
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as problem:
        raise PackageRejected(
            gettext(
                "The file is not a zip file (or it is damaged). Upload the package's .zip, or a "
                "cmi5.xml course structure file."
            )
        ) from problem


def _check_name(info: zipfile.ZipInfo) -> str:
    """The entry's path inside the package, or PackageRejected when it could escape the folder."""
    name = info.filename
    problem = ""
    if "\\" in name:
        problem = gettext(
            "The zip entry %(name)r uses backslashes in its path. "
            "Packages may only hold files inside their own folder; this zip was refused."
        )
    elif name.startswith("/") or _DRIVE.match(name):
        problem = gettext(
            "The zip entry %(name)r has an absolute path. "
            "Packages may only hold files inside their own folder; this zip was refused."
        )
    elif _CONTROL.search(name):
        problem = gettext(
            "The zip entry %(name)r has control characters in its name. "
            "Packages may only hold files inside their own folder; this zip was refused."
        )
    elif any(part in {"", ".", ".."} for part in name.rstrip("/").split("/")):
        problem = gettext(
            "The zip entry %(name)r has '..', '.' or an empty folder name in its path. "
            "Packages may only hold files inside their own folder; this zip was refused."
        )
    elif len(name.encode()) > _MAX_PATH_BYTES or any(
        len(part.encode()) > _MAX_NAME_BYTES for part in name.split("/")
    ):
        problem = gettext(
            "The zip entry %(name)r has a name too long to store. "
            "Packages may only hold files inside their own folder; this zip was refused."
        )
    if problem:
        raise PackageRejected(problem % {"name": name[:200]})
    return name


def checked_entries(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The zip's files (not folders), each checked, or PackageRejected for the first bad one."""
    files: list[zipfile.ZipInfo] = []
    seen: set[str] = set()
    for info in archive.infolist():
        name = _check_name(info)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise PackageRejected(
                gettext(
                    "The zip entry %(name)r is a symbolic link. Packages may not contain links."
                )
                % {"name": name}
            )
        if info.flag_bits & 0x1:
            raise PackageRejected(
                gettext("The zip is encrypted (password-protected). Upload an unencrypted package.")
            )
        if info.is_dir():
            continue
        if name in seen:
            raise PackageRejected(
                gettext("The zip holds %(name)r twice; it was refused as ambiguous.")
                % {"name": name}
            )
        seen.add(name)
        files.append(info)
        if len(files) > settings.PACKAGE_MAX_FILES:
            raise PackageRejected(
                gettext("The zip holds more than %(count)s files, the most a package may have.")
                % {"count": f"{settings.PACKAGE_MAX_FILES:,}"}
            )
    declared = sum(info.file_size for info in files)
    if declared > settings.PACKAGE_MAX_UNPACKED_BYTES:
        raise PackageRejected(_too_big_message())
    return files


def _too_big_message() -> str:
    limit = filesizeformat(settings.PACKAGE_MAX_UNPACKED_BYTES)
    return gettext("The package unpacks to more than %(limit)s, the most a package may take.") % {
        "limit": limit
    }


def extract(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], target: Path) -> Unpacked:
    """Write the checked entries under `target`, counting bytes as they are written: a size or
    ratio over the limits, or bytes beyond an entry's declared size, stop it at once."""
    total = 0
    max_total = settings.PACKAGE_MAX_UNPACKED_BYTES
    max_ratio = settings.PACKAGE_MAX_COMPRESSION_RATIO
    root = target.resolve()
    for info in entries:
        destination = target / info.filename
        # Defence in depth: the name checks above already keep every path inside.
        if not destination.resolve().is_relative_to(root):
            raise PackageRejected(
                gettext("The zip entry %(name)r points outside its folder.")
                % {"name": info.filename}
            )
        written = 0
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, destination.open("xb") as sink:
                while chunk := source.read(_CHUNK):
                    written += len(chunk)
                    total += len(chunk)
                    if written > info.file_size:
                        raise PackageRejected(
                            gettext(
                                "The zip entry %(name)r holds more than its header says; "
                                "the zip is damaged or crafted, and was refused."
                            )
                            % {"name": info.filename}
                        )
                    if total > max_total:
                        raise PackageRejected(_too_big_message())
                    if written > _RATIO_GRACE_BYTES and written > max_ratio * max(
                        info.compress_size, 1
                    ):
                        raise PackageRejected(
                            gettext(
                                "The zip entry %(name)r expands more than %(ratio)s times its "
                                "compressed size, as zip bombs do; the zip was refused."
                            )
                            % {"name": info.filename, "ratio": max_ratio}
                        )
                    sink.write(chunk)
        except (FileExistsError, NotADirectoryError, IsADirectoryError) as problem:
            raise PackageRejected(
                gettext(
                    "The zip entry %(name)r clashes with another file or folder of the same name."
                )
                % {"name": info.filename}
            ) from problem
        except NotImplementedError as problem:
            raise PackageRejected(
                gettext(
                    "The zip entry %(name)r uses a compression method the platform cannot read. "
                    "Re-create the zip with standard (deflate) compression."
                )
                % {"name": info.filename}
            ) from problem
        except (zipfile.BadZipFile, EOFError, ValueError) as problem:
            # CRC mismatches, truncated data, and header names that differ from the directory's.
            raise PackageRejected(
                gettext("The zip is damaged: %(name)r could not be read (%(problem)s).")
                % {"name": info.filename, "problem": problem}
            ) from problem
    return Unpacked(file_count=len(entries), unpacked_bytes=total)


def remove_tree(path: Path | None) -> None:
    if path is not None and path.exists():
        shutil.rmtree(path, ignore_errors=True)
