"""Browser tests: Playwright drives Debian's Chromium against Django's live test server."""

import os
import re
from pathlib import Path

import pytest

from liaison.factories import UserFactory
from liaison.reports.tests.conftest import smtp  # noqa: F401  (a real SMTP server on loopback)

CHROMIUM = os.environ.get("LIAISON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Screenshots of every step cost a tenth of the browser tests' time: they are kept when
# LIAISON_SCREENSHOTS is set. A failing test's last page is kept whatever the setting.
EVERY_STEP = bool(os.environ.get("LIAISON_SCREENSHOTS"))
PASSWORD = "correct-horse-battery"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in item.nodeid.split("/")[0]:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Browser tests never reach the internet (map tiles, for one): anything but the live server
# fails as it would offline. A test may route a host of its own on the page.
EXTERNAL = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])[a-z]+://")


@pytest.fixture
def page(browser, live_server):
    # The accessibility checks inject axe as an inline script, which the pages' CSP refuses;
    # test_security_headers.py browses with the CSP in force.
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, base_url=live_server.url, bypass_csp=True
    )
    context.route(EXTERNAL, lambda route: route.abort("internetdisconnected"))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _save(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def screenshot(page, request):
    """Saves the page as e2e/screenshots/<test>-<step>.png, with LIAISON_SCREENSHOTS set."""

    def take(step: str) -> None:
        if EVERY_STEP:
            _save(page, f"{request.node.name}-{step}")

    return take


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing browser test leaves e2e/screenshots/<test>-failed.png: the page it stopped on."""
    report = yield
    page = getattr(item, "funcargs", {}).get("page")
    if report.failed and call.when == "call" and page is not None:
        _save(page, f"{item.name}-failed")
    return report


@pytest.fixture
def log_in(page):
    def as_user(user) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")

    return as_user


@pytest.fixture
def make_user(transactional_db):
    return UserFactory
