"""A real browser (Debian's chromium, driven by Playwright) against pytest-django's
live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium (``make
e2e-browser`` installs it). Without it the browser tests skip, except in CI, where they
fail. One browser serves all of them; each test gets fresh contexts (cookies).
Screenshots go to var/e2e/ for people to look at.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connections

from tests.conftest import require_service

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still synchronous, so Django's async-safety guard must stand aside.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "e2e"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="package", autouse=True)
def _restore_migrated_rows(django_db_setup, django_db_blocker):
    """Once this folder's tests are done, put back the rows the migrations created.

    Its tests run in real transactions (the live server reads what they commit), and each
    one ends by emptying every table; ``serialized_rollback`` refills them only for the next
    such test. Tests that run afterwards expect the migrated rows (role groups, the Wagtail
    tree), so refill them once more.
    """
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One chromium for all the browser tests.

    While Playwright runs, asyncio sees a running event loop in this thread, and Django
    (through asgiref's Local) hands out a second set of database connections. They are
    given what ``serialized_rollback`` needs from the first set, and closed at the end.
    The browser lives as long as this folder's tests, so no other test runs beside a loop.
    """
    require_service(
        CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK),
        f"{CHROMIUM} is missing: install it with `make e2e-browser` (apt-get install chromium)",
    )
    from playwright.sync_api import sync_playwright

    saved = {
        connection.alias: getattr(connection, "_test_serialized_contents", None)
        for connection in connections.all()
    }
    with sync_playwright() as playwright:
        for alias, contents in saved.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


@pytest.fixture
def external_requests() -> list[str]:
    """Every request the test's pages made to another host than the live server."""
    return []


@pytest.fixture
def new_page(browser, live_server, external_requests):
    """Open pages in new browser contexts (separate cookies), all closed after the test."""
    contexts = []
    own = urlsplit(live_server.url).netloc

    def note_request(request) -> None:
        if urlsplit(request.url).scheme in {"http", "https", "ws", "wss"} and (
            urlsplit(request.url).netloc != own
        ):
            external_requests.append(request.url)

    def open_page():
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", note_request)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context at the live server."""
    return new_page()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under var/e2e/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in():
    """Log in through the site's own log-in page, as people do."""

    def log_in(page, *, email: str, password: str) -> None:
        page.goto("/accounts/login/")
        form = page.locator("main form[method=post]")
        form.locator("input[name=login]").fill(email)
        form.locator("input[name=password]").fill(password)
        form.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: urlsplit(url).path != "/accounts/login/")

    return log_in
