"""Browser tests: Playwright for Python driving Debian's Chromium, with an axe-core check.

Chromium comes from Debian's package (/usr/bin/chromium): Playwright's own browser download
cannot work on these machines. Without it the browser tests are skipped with a reason, unless
REQUIRE_BROWSER=1 (as in CI), where they fail instead.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between two browser steps are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Screenshots land in test-results/ (ignored by git); `make screenshots` copies a chosen few to
# docs/screenshots/ for the README.
SCREENSHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-results", "screenshots")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"no Chromium at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class CSPWatcher:
    """Collects Content Security Policy violations reported by the page's console."""

    def __init__(self):
        self.violations = []

    def __call__(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh page (desktop size) whose CSP violations fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15000)
    watcher = CSPWatcher()
    page.on("console", watcher)
    page.base_url = live_server.url
    yield page
    context.close()
    assert not watcher.violations, f"CSP violations: {watcher.violations}"


@pytest.fixture
def page_at(browser, live_server, transactional_db):
    """`page_at(width, height)`: a page of another size (phone 375, tablet 768)."""
    contexts = []
    watchers = []

    def make(width, height=900, **options):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="fr-FR", **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        watcher = CSPWatcher()
        watchers.append(watcher)
        page.on("console", watcher)
        page.base_url = live_server.url
        return page

    yield make
    for context in contexts:
        context.close()
    violations = [v for w in watchers for v in w.violations]
    assert not violations, f"CSP violations: {violations}"


def axe_violations(page):
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return results.response["violations"]


def describe(violations):
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations
    )


@pytest.fixture
def assert_accessible():
    """`assert_accessible(page)`: fails with axe's report when the page has a WCAG violation."""

    def check(page):
        violations = axe_violations(page)
        assert not violations, f"axe found on {page.url}:\n{describe(violations)}"

    return check


@pytest.fixture
def login():
    """`login(page, user)`: log in through the real login form."""
    from tests.conftest import PASSWORD

    def do(page, user, password=PASSWORD):
        page.goto(page.base_url + "/comptes/connexion/")
        page.get_by_label("Nom d’utilisateur").fill(user.username)
        page.get_by_label("Mot de passe").fill(password)
        # Wait for the POST's answer (a redirect, or the form again when refused):
        # wait_for_load_state alone may return before the POST has even started.
        with page.expect_navigation():
            page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()

    return do


@pytest.fixture
def screenshot():
    """`screenshot(page, name)`: save a full-page PNG under test-results/screenshots/."""

    def shoot(page, name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)

    return shoot
