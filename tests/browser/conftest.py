"""Real-browser fixtures: Debian's Chromium driven by Playwright against the live test server.

Browser tests skip when Chromium is absent, except where REQUIRE_BROWSER_TESTS=1 (CI), where a
missing browser is a failure.
"""

import os
import re
import sqlite3

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.axe import AXE_SOURCE
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
    context.add_init_script(script=AXE_SOURCE)
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


@pytest.fixture(scope="module")
def _module_copies():
    copies = {}
    yield copies
    for _data, copy in copies.values():
        copy.close()


def once_per_module(request, build):
    """What `build()` returns, with its rows: built by the module's first test that asks, then
    copied; each later test gets the copy back through SQLite's backup API (as the migrated rows
    come back, tests/conftest.py) instead of building them again. Browser tests work on
    committed data, so the rows cannot live in a transaction undone at the module's end; the
    flush after each test still leaves the migrated rows alone. Call it from a test's first
    fixture that writes to the database: the copy replaces whatever came before it."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return build()
    copies = request.getfixturevalue("_module_copies")
    connection.ensure_connection()
    if build in copies:
        data, copy = copies[build]
        copy.backup(connection.connection)
        return data
    data = build()
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)
    copies[build] = (data, copy)
    return data
