"""Browser tests: Debian's Chromium driven by Playwright against a live server."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support import ROOT, free_port, unavailable

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app):
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not AXE.exists():
        unavailable("axe-core is not installed (npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield chromium
        chromium.close()


# Every refusal of the Content Security Policy (an inline style after an htmx swap, a script
# from elsewhere) is reported on the console, which the tests read.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} refused ${event.blockedURI || "inline"}`
    + ` (${event.sample || "no sample"}) at ${event.sourceFile}:${event.lineNumber}`);
});
"""


# A form sent back with its errors answers 422 by design; Chromium logs it as a failed load.
REFUSED_FORM = "the server responded with a status of 422"


def watch(tab) -> list[str]:
    """The console errors, page errors and CSP violations of a tab, as they come."""
    errors: list[str] = []
    tab.add_init_script(REPORT_CSP_VIOLATIONS)

    def console(message) -> None:
        if message.type == "error" and REFUSED_FORM not in message.text:
            errors.append(message.text)

    tab.on("console", console)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def page(browser, live_server):
    """A fresh browser profile per test. Console errors (a CSP refusal, a failed script)
    fail the test."""
    context = browser.new_context(base_url=live_server, locale="fr-FR")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors = watch(tab)
    yield tab
    context.close()
    assert not errors, f"errors in the browser console: {errors}"


@pytest.fixture
def one_database(db_kind):
    """Slow browser sweeps run on PostgreSQL only: what they check is the page, not the SQL."""
    if db_kind != "postgresql":
        pytest.skip("runs once, on PostgreSQL (make test runs both databases)")


def assert_accessible(page) -> None:
    """Run axe-core on the current page; any violation fails with its rule and nodes."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]
    assert not violations, f"axe violations on {page.url}:\n" + json.dumps(violations, indent=2)
