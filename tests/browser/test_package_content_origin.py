"""Course packages in Chromium: the platform frames a package from the content origin, another
site cannot, and the package's scripts see none of the platform's cookies."""

import io
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from packages import kinds
from packages.services import package_import
from packages.serving import content_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PACKAGE_PAGE = b"<!doctype html><html lang='en'><title>AU</title><p id='au'>Lesson one</p></html>"


@pytest.fixture
def framing_site():
    """A site on 127.0.0.1 whose one page frames the address in its query string: it stands in
    for a platform page that frames a lesson (none exists in this app)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if "?src=" not in self.path:  # the browser asking for a favicon
                self.send_error(404)
                return
            src = self.path.split("?src=", 1)[1]
            body = f"<!doctype html><title>Host</title><iframe src='{src}' title='Lesson'></iframe>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def package(settings, live_server, tmp_path, monkeypatch):
    # The live server answers on localhost: here that is the content origin.
    settings.PACKAGE_CONTENT_ORIGIN = live_server.url
    settings.PACKAGE_STORAGE_ROOT = tmp_path / "packages"
    monkeypatch.setattr(kinds, "_kinds", {})
    kinds.register(
        "cmi5",
        detect=lambda names, filename: "cmi5" if "cmi5.xml" in names else None,
        import_package=lambda *, package, root, xml: None,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cmi5.xml", "<courseStructure/>")
        archive.writestr("index.html", PACKAGE_PAGE)
    return package_import(upload=buffer, filename="lesson.zip", uploaded_by=None)


def test_only_the_platform_frames_a_package_whose_scripts_see_no_platform_cookie(
    page, new_page, settings, framing_site, package
):
    lesson = f"{framing_site}/lesson?src={content_url(package, 'index.html')}"
    settings.SITE_URL = framing_site
    page.context.add_cookies([{"name": "sessionid", "value": "secret", "url": framing_site}])

    page.goto(lesson)
    framed_text = page.frame_locator("iframe").locator("#au").text_content()
    package_cookies = page.frames[1].evaluate("document.cookie")
    # The same page, now on a site that is not the platform (a new browser: nothing cached).
    settings.SITE_URL = "https://academy.example.org"
    elsewhere = new_page()
    with elsewhere.expect_event("framenavigated", predicate=lambda frame: frame.parent_frame):
        elsewhere.goto(lesson)

    assert (framed_text, package_cookies) == ("Lesson one", "")
    assert [frame.url for frame in elsewhere.frames[1:]] == ["chrome-error://chromewebdata/"]
