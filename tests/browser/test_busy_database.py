"""A busy database in a real browser: the registration is refused for a moment, what was
typed is kept, and sending it again once the lock is gone registers the person."""

from __future__ import annotations

from contextlib import contextmanager

from tests.browser.conftest import assert_accessible
from tests.views.test_busy_database import lock_held_elsewhere, registrations

WAIT_MS = 300


def fill_registration(page, name: str, email: str) -> None:
    page.get_by_label("Votre nom").fill(name)
    page.get_by_role("textbox", name="E-mail").fill(email)


@contextmanager
def browser_page(browser, live_server, **options):
    """A page of a fresh profile; the console may report the 503 answers, and nothing else."""
    context = browser.new_context(base_url=live_server, locale="fr-FR", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        yield page
    finally:
        context.close()
    assert [error for error in errors if "503" not in error] == []


def test_with_htmx_the_form_stays_as_typed_and_is_sent_again(
    browser, live_server, app, make, settings, db_kind, database_url
):
    settings(WEB_LOCK_TIMEOUT_MS=WAIT_MS)
    event = make.event(title="Atelier tableur")
    with browser_page(browser, live_server) as page:
        _register_through_htmx(page, app, event, db_kind, database_url, live_server)
    assert registrations(app) == [("Zoé Martin", "zoe@example.org")]


def _register_through_htmx(page, app, event, db_kind, database_url, live_server):
    page.goto(f"/events/{event.slug}/register")
    fill_registration(page, "Zoé Martin", "zoe@example.org")
    with lock_held_elsewhere(db_kind, database_url):
        page.get_by_role("button", name="M'inscrire gratuitement").click()
        page.get_by_text("Ce que vous avez saisi est conservé").wait_for()
        assert page.get_by_label("Votre nom").input_value() == "Zoé Martin"
        assert page.get_by_role("textbox", name="E-mail").input_value() == "zoe@example.org"
        assert_accessible(page)
        # The page a plain form post gets (without JavaScript) passes axe too.
        busy = page.request.post(
            f"{live_server}/events/{event.slug}/register",
            form={
                "csrf_token": page.locator("input[name=csrf_token]").input_value(),
                "name": "Zoé Martin",
                "email": "zoe@example.org",
            },
        )
        assert busy.status == 503
        body = busy.text()
        page.route(
            "**/busy-page",
            lambda route: route.fulfill(status=503, body=body, content_type="text/html"),
        )
        page.goto("/busy-page")
        page.get_by_role("heading", name="Le site est très sollicité").wait_for()
        assert_accessible(page)
        page.goto(f"/events/{event.slug}/register")
        fill_registration(page, "Zoé Martin", "zoe@example.org")
    page.get_by_role("button", name="M'inscrire gratuitement").click()
    page.get_by_text("Vous êtes inscrit·e !").wait_for()


def test_without_javascript_the_busy_page_shows_what_was_sent_and_sends_it_again(
    browser, live_server, app, make, settings, db_kind, database_url
):
    settings(WEB_LOCK_TIMEOUT_MS=WAIT_MS)
    event = make.event(title="Atelier tableur")
    with browser_page(browser, live_server, java_script_enabled=False) as page:
        page.goto(f"/events/{event.slug}/register")
        fill_registration(page, "Zoé Martin", "zoe@example.org")
        with lock_held_elsewhere(db_kind, database_url):
            page.get_by_role("button", name="M'inscrire gratuitement").click()
            page.get_by_role("heading", name="Le site est très sollicité").wait_for()
            assert page.get_by_text("zoe@example.org").is_visible()
            assert page.get_by_text("Zoé Martin").is_visible()
        page.get_by_role("button", name="Renvoyer").click()
        page.get_by_role("heading", name="Mon inscription").wait_for()
        assert page.get_by_text("Zoé Martin").is_visible()
    assert registrations(app) == [("Zoé Martin", "zoe@example.org")]
