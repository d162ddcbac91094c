"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Chromium must be at /usr/bin/chromium (``make e2e`` installs it with apt when missing). If it is not
there, or will not start, every browser test FAILS: a missing browser is never a skip.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"
# Every run writes its screenshots under test-artifacts/; `make screenshots` refreshes the committed set in
# docs/screenshots/ on purpose (pages show today's dates, so each run differs).
SCREENSHOTS = Path(settings.BASE_DIR) / os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots")
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# One browser for all the browser tests. Package scope (not session) so it closes, with Playwright's event
# loop, as soon as they finish: tests that run after them in the same session (pytest-django runs
# transactional tests last) must not find a running event loop in their thread.
@pytest.fixture(scope="package")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make e2e` (it installs it with apt-get).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # a browser that will not start is a failure, never a skip
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield browser
        browser.close()


# Playwright's sync API runs an event loop in this thread; the ORM calls the browser tests make are still
# synchronous and safe. Allowed only around these tests (set-up to teardown), so the variable never leaks
# into what other tests hand to subprocesses (the production `check --deploy` refuses it).
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if "tests/e2e/" not in str(item.fspath):
        yield
        return
    before = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = before


@pytest.fixture
def page(browser, request, live_server):
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def accessibility_problems(page, *, context=None):
    """axe-core's WCAG 2.2 A and AA violations on the current page, one readable line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    if not violations:
        return []
    lines = [f"{page.url}: {len(violations)} axe violation(s)"]
    for violation in violations:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return lines


def assert_accessible(page, *, context=None):
    """Zero axe-core violations for the WCAG 2.2 A and AA rules on the current page."""
    lines = accessibility_problems(page, context=context)
    if lines:
        pytest.fail("\n".join(lines))


def save_screenshots(page, name):
    """Save desktop and mobile screenshots of the current page under docs/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(MOBILE)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-mobile.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def two_factor(settings):
    """Staff two-factor sign-in as in production (the unit-test settings turn it off)."""
    settings.STAFF_2FA_REQUIRED = True
