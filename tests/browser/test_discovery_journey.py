"""A visitor browses the showcase: live search, infinite scroll, filters, interest."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from hub.models import StartupStage, utcnow
from tests.browser.conftest import assert_accessible
from tests.support import DEFAULT_PASSWORD, free_port


@pytest.fixture
def catalogue(make):
    ecotrace = make.startup("ÉcoTrace", slug="ecotrace", city="Saint-Étienne")
    cyclopolis = make.startup(
        "Cyclopolis", slug="cyclopolis", city="Rennes", stage=StartupStage.SCALING
    )
    start = utcnow() - timedelta(days=1)
    for n in range(1, 31):
        make.innovation(
            cyclopolis if n % 5 == 0 else ecotrace,
            slug=f"capteur-{n:02d}",
            title=f"Capteur {n:02d}" + (" d'énergie" if n % 3 == 0 else ""),
            summary="Mesurer pour mieux agir.",
            tags=["Énergie"] if n % 3 == 0 else ["Climat"],
            published_at=start + timedelta(minutes=n),
        )


def cards(page):
    return page.locator("#innovation-list article")


def test_a_visitor_searches_as_they_type_scrolls_filters_and_says_they_are_interested(
    page, catalogue
):
    page.goto("/innovations")
    expect(page.locator("#result-count")).to_have_text("30 innovations.")
    expect(cards(page)).to_have_count(24)
    assert_accessible(page)

    # Scrolling to the end of the list loads the next page in place.
    page.locator("#load-more").scroll_into_view_if_needed()
    expect(cards(page)).to_have_count(30)

    # Typing searches as you go; the address follows the search.
    page.get_by_label("Rechercher des innovations").press_sequentially("energie", delay=30)
    expect(page.locator("#result-count")).to_have_text(
        "10 innovations correspondent à votre recherche."
    )
    expect(cards(page)).to_have_count(10)
    expect(page).to_have_url(re.compile(r"/innovations\?q=energie"))

    # A filter narrows the search at once.
    page.get_by_label("Ville").select_option("Rennes")
    expect(page.locator("#result-count")).to_have_text(
        "2 innovations correspondent à votre recherche."
    )
    expect(page).to_have_url(re.compile(r"city=Rennes"))
    assert_accessible(page)

    # The search survives a reload, since it is in the address.
    page.reload()
    expect(page.locator("#result-count")).to_have_text(
        "2 innovations correspondent à votre recherche."
    )

    page.get_by_role("link", name="Capteur 30 d'énergie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Capteur 30 d'énergie")
    assert_accessible(page)
    page.get_by_role("button", name="Ça m’intéresse").click()
    expect(page.locator("#interest .interest-count")).to_contain_text("1 personne est intéressée.")
    expect(page.get_by_role("button", name="Vous êtes intéressé·e")).to_be_disabled()
    page.reload()
    expect(page.get_by_role("button", name="Vous êtes intéressé·e")).to_be_disabled()
    assert_accessible(page)


def test_an_empty_search_explains_what_to_try(page, catalogue):
    page.goto("/innovations")
    page.get_by_label("Rechercher des innovations").fill("introuvable")
    page.get_by_label("Rechercher des innovations").press("Enter")
    expect(page.get_by_role("heading", name="Aucune innovation ne correspond à cette recherche"))
    expect(page.locator("#result-count")).to_have_text(
        "Aucune innovation ne correspond à votre recherche."
    )
    assert_accessible(page)


def test_without_javascript_the_search_form_still_works(browser, live_server, catalogue):
    context = browser.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/innovations")
        page.get_by_label("Rechercher des innovations").fill("énergie")
        page.get_by_role("button", name="Rechercher").click()
        expect(page).to_have_url(re.compile(r"/innovations\?q=%C3%A9nergie"))
        expect(page.locator("#result-count")).to_have_text(
            "10 innovations correspondent à votre recherche."
        )
        page.get_by_role("link", name="Capteur 30 d'énergie").click()
        page.get_by_role("button", name="Ça m’intéresse").click()
        expect(page.locator(".flash-success")).to_have_text(
            "Merci ! La startup saura que vous êtes intéressé·e."
        )
        # (axe needs JavaScript: the same pages are checked in the test above.)
    finally:
        context.close()


@contextmanager
def partner_site(html: str):
    """Another origin on this machine (localhost, another port) serving one page."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_only_the_widget_can_be_framed_by_a_partner_site(browser, live_server, make):
    partner = make.partner("French Tech", slug="french-tech")
    make.event(title="Atelier smartphone", organisation=partner)
    host_page = (
        "<!doctype html><html lang='fr'><title>Partenaire</title><body>"
        f"<iframe name='widget' title='Agenda' src='{live_server}/embed/events?host=french-tech'>"
        "</iframe>"
        f"<iframe name='catalogue' title='Catalogue' src='{live_server}/innovations'></iframe>"
        "</body></html>"
    )
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        with partner_site(host_page) as url:
            page.goto(url)
            widget = page.frame_locator("iframe[name=widget]")
            expect(widget.get_by_role("link", name="Atelier smartphone")).to_be_visible()
            page.wait_for_timeout(300)
            catalogue = page.frame(name="catalogue")
            # The browser refuses to show it: an error page instead of the catalogue.
            assert catalogue is not None
            assert catalogue.url.startswith("chrome-error://")
            assert "Rechercher des innovations" not in catalogue.content()
    finally:
        context.close()


def test_staff_feature_an_innovation_and_the_home_page_shows_it(page, make):
    make.staff(email="equipe@example.org")
    make.innovation(slug="velo-cargo", title="Vélo cargo")
    make.innovation(slug="capteur", title="Capteur d'air")
    page.goto("/")
    expect(page.get_by_text("L’équipe mettra bientôt ici en avant")).to_be_visible()
    assert_accessible(page)

    page.goto("/auth/login?next=/staff/featured/")
    page.get_by_label("E-mail").fill("equipe@example.org")
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Innovations à la une")
    page.get_by_label("Rechercher parmi les innovations publiées").fill("velo")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("button", name="Mettre en avant « Vélo cargo »").click()
    expect(page.locator("#flash-messages")).to_contain_text(
        "« Vélo cargo » est maintenant mise en avant sur la page d’accueil."
    )
    expect(page.locator(".featured-list li")).to_have_count(1)
    assert_accessible(page)

    page.goto("/")
    featured = page.get_by_role("region", name="Innovations à la une")
    expect(featured.get_by_role("link", name="Vélo cargo")).to_be_visible()
    assert_accessible(page)
