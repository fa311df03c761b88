"""Builds zip files in memory for the package tests, good and crafted."""

import io
import stat
import zipfile

CMI5_XML = (
    b'<?xml version="1.0"?><courseStructure><course id="https://example.org/c"/></courseStructure>'
)
MANIFEST = b'<?xml version="1.0"?><manifest identifier="m"><organizations/></manifest>'


def zip_bytes(files: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED, **options) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression, **options) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_with_entries(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: the high bits of external_attr are the file mode
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def cmi5_zip(**extra: bytes) -> bytes:
    return zip_bytes({"cmi5.xml": CMI5_XML, "index.html": b"<!doctype html><p>AU</p>", **extra})


def upload(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
