"""The browser test harness: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the whole session; each test gets a fresh context (cookies, language) and page.
Chromium is the system package (`apt-get install chromium`): Playwright downloads no browser here.
Tests in this folder are marked `browser` (pytest -m browser / -m "not browser").
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("EDUREG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set EDUREG_CHROMIUM)",
                    pytrace=False)
    # Playwright's synchronous API runs an event loop in this thread; the tests' own ORM calls
    # (factories, assertions) are synchronous and safe, so Django's async-context guard is lifted
    # while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(browser, live_server):
    """A new page in a new browser context, its base URL the live server (transactional database)."""
    from edureg.programmes.services import load_kinds

    # A transactional test's flush also removes the rows the data migrations loaded (programme kinds and rules):
    # put them back for the next one.
    load_kinds()
    context = browser.new_context(base_url=live_server.url, locale="lt-LT", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the pages: {errors}"
