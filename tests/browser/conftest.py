"""Real-browser fixtures: Debian's Chromium driven by Playwright against the live test server.

Browser tests skip when Chromium is absent, except where REQUIRE_BROWSER_TESTS=1 (CI), where a
missing browser is a failure.
"""

import os
import re

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER_TESTS=1 but no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser(_playwright):
    instance = _playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield instance
    instance.close()


def _context(browser, live_server, *, width=1024, javascript=True):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}
    )
    context.set_default_timeout(15_000)
    if not javascript:
        # The site's scripts never load, as in a browser with JavaScript off; Playwright keeps
        # its own evaluation channel, so axe-core can still inspect what the person sees.
        context.route(re.compile(r".*\.m?js(\?.*)?$"), lambda route: route.abort())
    return context


@pytest.fixture
def page(browser, live_server):
    context = _context(browser, live_server)
    yield context.new_page()
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Pages at other widths or with JavaScript off: new_page(width=320, javascript=False)."""
    contexts = []

    def make(**options):
        context = _context(browser, live_server, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in_as(live_server):
    """Give a browser page a session for `user` without going through the sign-in form."""

    def sign_in(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in
