"""Course structures and packages for the cmi5 tests, written here (not copied from any suite)."""

import io
import zipfile

NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
BASE = "https://example.org/cmi5-tests"


def text(name: str, value: str) -> str:
    return f'<{name}><langstring lang="en">{value}</langstring></{name}>'


def au(
    slug: str,
    *,
    url: str = "index.html",
    move_on: str = "CompletedOrPassed",
    mastery: str | None = None,
    extra: str = "",
    launch_parameters: str = "",
    entitlement_key: str = "",
) -> str:
    mastery_attr = f' masteryScore="{mastery}"' if mastery is not None else ""
    optional = ""
    if launch_parameters:
        optional += f"<launchParameters>{launch_parameters}</launchParameters>"
    if entitlement_key:
        optional += f"<entitlementKey>{entitlement_key}</entitlementKey>"
    return (
        f'<au id="{BASE}/au/{slug}" moveOn="{move_on}"{mastery_attr}>'
        f"{text('title', 'AU ' + slug)}{text('description', 'About ' + slug)}{extra}"
        f"<url>{url}</url>{optional}</au>"
    )


def block(slug: str, *children: str) -> str:
    return (
        f'<block id="{BASE}/block/{slug}">{text("title", "Block " + slug)}'
        f"{text('description', 'About ' + slug)}{''.join(children)}</block>"
    )


def structure(*children: str, course_id: str = f"{BASE}/course/one", objectives: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><courseStructure xmlns="{NS}">'
        f'<course id="{course_id}">{text("title", "Course one")}'
        f"{text('description', 'A course')}</course>{objectives}{''.join(children)}"
        "</courseStructure>"
    ).encode()


def zipped(xml: bytes, files: tuple[str, ...] = ("index.html",)) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cmi5.xml", xml)
        for name in files:
            archive.writestr(name, "<!doctype html><title>AU</title>")
    buffer.seek(0)
    return buffer
