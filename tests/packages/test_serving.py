"""The content origin: package files are served there and only there, and it serves nothing else."""

import pytest
from django.core.checks import Error, Warning

from lms.settings.base import default_package_content_origin
from packages.checks import content_origin_check
from packages.services import package_import
from packages.serving import content_url
from tests.packages.zips import cmi5_zip, upload

PLATFORM = "platform.test"
CONTENT = "content.test"


@pytest.fixture(autouse=True)
def origins(settings):
    settings.SITE_URL = f"http://{PLATFORM}"
    settings.PACKAGE_CONTENT_ORIGIN = f"http://{CONTENT}"
    settings.ALLOWED_HOSTS = [PLATFORM, CONTENT, "testserver"]


@pytest.fixture
def package(db, stand_in_kinds):
    files = {
        "index.html": b"<!doctype html><title>AU</title>",
        "scripts/app.js": b"console.log(1)",
        "styles/site.css": b"p{}",
        "media/clip.mp4": b"\x00\x00",
        "data/blob": b"?",
        "names/with space.html": b"<p>spaced</p>",
    }
    return package_import(upload=upload(cmi5_zip(**files)), filename="golf.zip", uploaded_by=None)


def path_of(package, relative: str) -> str:
    return f"/package-content/{package.uuid}/{relative}"


def test_content_url_is_on_the_content_origin(package):
    assert content_url(package, "names/with space.html") == (
        f"http://{CONTENT}/package-content/{package.uuid}/names/with%20space.html"
    )
    assert content_url(package) == f"http://{CONTENT}/package-content/{package.uuid}/"


@pytest.mark.parametrize(
    ("relative", "content_type", "body"),
    [
        ("index.html", "text/html", b"<!doctype html><title>AU</title>"),
        ("scripts/app.js", "text/javascript", b"console.log(1)"),
        ("styles/site.css", "text/css", b"p{}"),
        ("media/clip.mp4", "video/mp4", b"\x00\x00"),
        ("data/blob", "application/octet-stream", b"?"),
        ("names/with%20space.html", "text/html", b"<p>spaced</p>"),
    ],
)
def test_package_files_are_served_on_the_content_origin(
    client, package, relative, content_type, body
):
    response = client.get(path_of(package, relative), HTTP_HOST=CONTENT)

    assert (response.status_code, response["Content-Type"], b"".join(response)) == (
        200,
        content_type,
        body,
    )


def test_content_origin_responses_are_framed_only_by_the_platform(client, package):
    response = client.get(path_of(package, "index.html"), HTTP_HOST=CONTENT)

    assert {
        name: response.headers.get(name)
        for name in (
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Cross-Origin-Resource-Policy",
            "Cache-Control",
        )
    } == {
        "Content-Security-Policy": f"frame-ancestors http://{PLATFORM} 'self'",
        "X-Frame-Options": None,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Cache-Control": "public, max-age=86400",
    }


def test_content_origin_never_sets_a_cookie(client, package, learner):
    client.force_login(learner)
    session = client.session
    session["touched"] = True
    session.save()

    file_response = client.get(path_of(package, "index.html"), HTTP_HOST=CONTENT)
    missing_response = client.get(path_of(package, "nothing.html"), HTTP_HOST=CONTENT)

    assert (dict(file_response.cookies), dict(missing_response.cookies)) == ({}, {})


def test_head_is_answered_and_other_methods_refused(client, package):
    head = client.head(path_of(package, "index.html"), HTTP_HOST=CONTENT)
    post = client.post(path_of(package, "index.html"), HTTP_HOST=CONTENT)

    assert (head.status_code, post.status_code) == (200, 405)


def test_platform_refuses_package_urls(client, package):
    response = client.get(path_of(package, "index.html"), HTTP_HOST=PLATFORM)

    assert (response.status_code, response.content) == (404, b"Not found.")


@pytest.mark.parametrize("url", ["/", "/dashboard/", "/xapi/about", "/cms/", "/accounts/login/"])
def test_content_origin_refuses_platform_urls(client, db, url):
    response = client.get(url, HTTP_HOST=CONTENT)

    assert (response.status_code, response.content, dict(response.cookies)) == (
        404,
        b"Not found.",
        {},
    )


@pytest.mark.parametrize(
    "relative",
    [
        "../../../lms/settings/base.py",
        "scripts/../../other/index.html",
        "%2e%2e/%2e%2e/lms/settings/base.py",
        "..%2f..%2fmanage.py",
        "/etc/passwd",
        "scripts/",
        "scripts",
        "missing.html",
        "index.html%00.js",
    ],
)
def test_traversal_folders_and_missing_files_are_not_found(client, package, relative):
    response = client.get(path_of(package, relative), HTTP_HOST=CONTENT)

    assert response.status_code == 404


def test_a_link_that_differs_only_in_letter_case_finds_its_file(client, package):
    found = client.get(path_of(package, "Scripts/APP.js"), HTTP_HOST=CONTENT)
    missing = client.get(path_of(package, "Scripts/other.js"), HTTP_HOST=CONTENT)

    assert (found.status_code, b"".join(found), missing.status_code) == (
        200,
        b"console.log(1)",
        404,
    )


def test_unknown_package_is_not_found(client, db):
    response = client.get(
        "/package-content/00000000-0000-0000-0000-000000000000/index.html", HTTP_HOST=CONTENT
    )

    assert response.status_code == 404


def test_deleted_package_takes_its_files_with_it(
    package, storage_root, django_capture_on_commit_callbacks
):
    folder = storage_root / package.content_root
    with django_capture_on_commit_callbacks(execute=True):
        package.delete()

    assert folder.exists() is False


@pytest.mark.parametrize(
    ("origin", "host", "is_content"),
    [
        ("https://content.example.org", "content.example.org", True),
        ("https://content.example.org", "content.example.org:443", True),
        ("https://content.example.org", "content.example.org:8443", False),
        ("http://localhost:8000", "localhost:8000", True),
        ("http://localhost:8000", "localhost:8001", False),
        ("http://localhost:8000", "localhost", False),
    ],
)
def test_content_origin_is_matched_by_host_and_port(client, db, settings, origin, host, is_content):
    settings.PACKAGE_CONTENT_ORIGIN = origin
    settings.ALLOWED_HOSTS = ["*"]

    response = client.get("/package-content/", HTTP_HOST=host)

    # The content origin has no page at the bare prefix (404 from the URLconf, not plain text);
    # the platform refuses the whole prefix with the middleware's plain text.
    assert (response.content == b"Not found.") is not is_content


@pytest.mark.parametrize(
    ("site_url", "origin"),
    [
        ("http://127.0.0.1:8000", "http://localhost:8000"),
        ("http://localhost:8123", "http://127.0.0.1:8123"),
        ("http://127.0.0.1", "http://localhost"),
        ("https://academy.example.org", ""),
    ],
)
def test_default_content_origin_swaps_the_local_host_names(site_url, origin):
    assert default_package_content_origin(site_url) == origin


def test_checks_refuse_a_content_origin_on_the_platform_host(settings):
    settings.PACKAGE_CONTENT_ORIGIN = f"http://{PLATFORM}:8080"

    assert [(message.id, type(message)) for message in content_origin_check()] == [
        ("packages.E001", Error)
    ]


def test_checks_warn_of_a_missing_or_unallowed_content_origin(settings):
    settings.PACKAGE_CONTENT_ORIGIN = ""
    missing = content_origin_check()
    settings.PACKAGE_CONTENT_ORIGIN = "https://packages.example.org"
    settings.ALLOWED_HOSTS = [PLATFORM]
    unallowed = content_origin_check()
    settings.ALLOWED_HOSTS = [PLATFORM, ".example.org"]
    allowed = content_origin_check()

    assert (
        [(message.id, type(message)) for message in missing],
        [(message.id, type(message)) for message in unallowed],
        allowed,
    ) == ([("packages.W001", Warning)], [("packages.W002", Warning)], [])


def test_checks_refuse_a_cookie_domain_that_covers_the_content_origin(settings):
    settings.SITE_URL = "https://academy.example.org"
    settings.PACKAGE_CONTENT_ORIGIN = "https://packages.example.org"
    settings.ALLOWED_HOSTS = [".example.org"]
    settings.SESSION_COOKIE_DOMAIN = ".example.org"
    covering = content_origin_check()
    settings.SESSION_COOKIE_DOMAIN = "academy.example.org"
    apart = content_origin_check()

    assert ([(message.id, type(message)) for message in covering], apart) == (
        [("packages.E002", Error)],
        [],
    )
