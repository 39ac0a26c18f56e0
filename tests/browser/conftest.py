"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

The browser is installed by the system (`apt-get install chromium`), never
downloaded by Playwright. Without it these tests skip and say why.
"""

import os
import re
import shutil

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.support import CSP_WATCH_JS, DEVICES, SCREENSHOTS, UI

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

expect.set_options(timeout=10_000)


def find_chromium() -> str | None:
    """$CHROMIUM_PATH if set, else /usr/bin/chromium, else `chromium` on PATH."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        if not (os.path.isfile(configured) and os.access(configured, os.X_OK)):
            pytest.fail(f"CHROMIUM_PATH={configured} is not an executable file.")
        return configured
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, for fixtures to see whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package", autouse=True)
def allow_database_access_beside_playwright():
    """Playwright's sync API runs an asyncio event loop in the test thread, and Django
    refuses database access from a thread with a running loop unless told it is safe.

    Set for these tests only: set at import time, it would leak into the rest of
    the run (`manage.py check --deploy` in tests/test_settings.py warns about it).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def chromium(allow_database_access_beside_playwright):
    """Chromium for this package's tests; Playwright stops when they are done, so its
    event loop does not outlive them."""
    shutil.rmtree(SCREENSHOTS / "failures", ignore_errors=True)  # Of an earlier run.
    path = find_chromium()
    if path is None:
        pytest.skip(
            "browser tests need Chromium: install Debian's package (apt-get install chromium) "
            "or set CHROMIUM_PATH to a Chromium executable"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(params=sorted(DEVICES), ids=lambda device: device)
def device(request):
    """Each flow runs on a desktop (1280x800) and a phone (390x844, touch)."""
    return request.param


@pytest.fixture
def javascript():
    """Override with `@pytest.mark.parametrize("javascript", [...])` to run without it."""
    return True


@pytest.fixture
def ui(request, chromium, live_server, device, javascript):
    """A fresh browser context on `device`, with or without JavaScript, on the live server."""
    context = chromium.new_context(
        **DEVICES[device], java_script_enabled=javascript, base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    # Runs before any script of the page's own, and with JavaScript off too.
    context.add_init_script(CSP_WATCH_JS)
    page = context.new_page()
    browser_ui = UI(page, base_url=live_server.url, device=device, javascript=javascript)
    yield browser_ui
    try:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            failures = SCREENSHOTS / "failures"
            failures.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            page.screenshot(path=failures / f"{name}.png", full_page=True)
        elif report is not None and report.passed:
            unchecked = browser_ui.unchecked_pages()
            assert not unchecked, f"pages visited without the overflow check: {unchecked}"
            browser_ui.assert_no_csp_violations()
    finally:
        context.close()
