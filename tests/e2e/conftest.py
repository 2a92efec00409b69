"""Browser journeys: Playwright (Python) drives Debian's Chromium against a live server.

Run with `make e2e`. The Chromium binary is /usr/bin/chromium (apt-get install chromium);
Playwright's own browser download is never used (this workplace cannot fetch it).
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the tests
# themselves (fixtures, assertions) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A phone-sized screen, as owners read the bulletin."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def admin_login(live_server):
    """admin_login(page, username, password='demo12345'): log in to the Wagtail admin."""

    def _login(page, username, password="demo12345"):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/**")

    return _login


@pytest.fixture
def axe_check():
    """axe_check(page) → fails on serious or critical accessibility violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _check(page):
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        assert not bad, "\n".join(f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in bad)

    return _check
