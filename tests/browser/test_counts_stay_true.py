"""What a click changes shows at once, and a reload shows the same: seats after registering,
the dashboard's events after accepting to co-host; htmx swaps raise no CSP refusal; without
JavaScript a visitor still registers."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from hub.extensions import db
from hub.models import CoHostState, Event, EventState
from hub.timezones import utc_to_local
from tests.browser.conftest import assert_accessible
from tests.browser.test_events_journey import log_in, register


def same_after_reload(page, selector: str) -> None:
    """The region says after a reload what it said after the click."""
    shown = page.locator(selector).inner_text()
    page.reload()
    expect(page.locator(selector)).to_have_text(shown)


def test_registering_updates_the_seats_left_as_a_reload_would(page, make):
    event = make.event(capacity=14, title="Atelier tableur")
    for number in range(5):
        make.registration(event, email=f"deja{number}@example.org")
    page.goto(f"/events/{event.slug}")
    seats = page.locator("#seats-left")
    expect(seats).to_have_text("9 places restantes sur 14")
    register(page, "Zoé Martin", "zoe@example.org")
    page.get_by_role("button", name="M'inscrire gratuitement").click()
    page.get_by_text("Vous êtes inscrit·e !").wait_for()
    expect(seats).to_have_text("8 places restantes sur 14")
    assert_accessible(page)
    same_after_reload(page, "#seats-left")


def test_accepting_to_co_host_adds_the_event_to_the_table_as_a_reload_would(page, make):
    alice = make.user(email="alice@cci.example", name="Alice Chambre")
    bruno = make.user(email="bruno@ecole.example", name="Bruno École")
    chamber = make.partner("Chambre de commerce", owner=alice)
    school = make.partner("École de design", owner=bruno)
    make.event(organisation=school, title="Portes ouvertes")
    event = make.event(organisation=chamber, title="Atelier : sécuriser son commerce en ligne")
    make.cohost(event, school, state=CoHostState.INVITED)

    log_in(page, "bruno@ecole.example")
    page.goto("/account/")
    table = page.locator("#my-events")
    expect(table.get_by_role("link")).to_have_text(["Portes ouvertes"])
    page.get_by_role("button", name="Accepter").click()
    page.get_by_text("Vous co-organisez désormais").wait_for()
    expect(table.get_by_role("link", name=event.title)).to_be_visible()
    assert_accessible(page)
    shown = sorted(table.get_by_role("link").all_inner_texts())
    page.reload()
    assert sorted(table.get_by_role("link").all_inner_texts()) == shown


def test_htmx_swaps_on_featured_and_the_review_queue_raise_no_csp_refusal(page, make):
    make.staff(email="equipe@example.org")
    for title in ("Vélo cargo", "Vélo pliant", "Capteur d'air"):
        make.innovation(title=title)
    slot = make.slot(theme="Industrie du futur")
    make.application(slot)
    make.application(slot)

    log_in(page, "equipe@example.org")
    page.goto("/staff/featured/?q=v%C3%A9lo")
    page.get_by_role("button", name="Mettre en avant « Vélo cargo »").click()
    expect(page.locator(".featured-list li")).to_have_count(1)
    page.get_by_role("button", name="Mettre en avant « Vélo pliant »").click()
    expect(page.locator(".featured-list li")).to_have_count(2)
    page.get_by_role("button", name="Monter « Vélo pliant »").click()
    expect(page.locator(".featured-list li").first).to_contain_text("Vélo pliant")
    same_after_reload(page, ".featured-list")

    page.goto("/staff/showcase/applications")
    rows = page.locator("table.review-queue tbody tr")
    seats = page.locator(f".slot-{slot.id}-seats")
    expect(seats).to_have_count(2)
    expect(seats.nth(1)).to_have_text(re.compile(r"^0 .* 3$"))
    rows.nth(0).get_by_role("button", name="Accepter").click()
    expect(page.locator('[data-state="accepted"]')).to_have_text("1")
    # The other application to the same slot shows the seat taken too.
    expect(seats.nth(1)).to_have_text(re.compile(r"^1 .* 3$"))
    rows.nth(1).get_by_role("button", name="Décliner").click()
    expect(page.locator('[data-state="rejected"]')).to_have_text("1")
    same_after_reload(page, "#review-counts")
    expect(seats.nth(1)).to_have_text(re.compile(r"^1 .* 3$"))
    # The page fixture fails the test on any console error, CSP violations included.


def test_without_javascript_a_visitor_registers(browser, live_server, make):
    event = make.event(capacity=3, title="Atelier tableur")
    context = browser.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/events/{event.slug}")
        expect(page.locator("#seats-left")).to_have_text("3 places restantes sur 3")
        page.get_by_role("button", name="M'inscrire gratuitement").click()
        register(page, "Zoé Martin", "zoe@example.org")
        page.get_by_role("button", name="M'inscrire gratuitement").click()
        page.get_by_role("heading", name="Mon inscription").wait_for()
        expect(page.locator("#registration-state")).to_contain_text("Confirmée")
        page.get_by_role("link", name="Atelier tableur").click()
        expect(page.locator("#seats-left")).to_have_text("2 places restantes sur 3")
    finally:
        context.close()


def test_live_search_follows_pasted_and_autofilled_text(page, make):
    make.innovation(title="Vélo cargo partagé", slug="velo")
    make.innovation(title="Capteur d'air", slug="capteur")
    page.goto("/innovations")
    cards = page.locator("#innovation-list article")
    expect(cards).to_have_count(2)
    # fill() sets the text at once with a single `input` event, as pasting or autofill does.
    page.get_by_label("Rechercher des innovations").fill("vélo")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Vélo cargo partagé")
    # The `search` event alone (the box's clear button, Enter) searches too.
    page.get_by_label("Rechercher des innovations").evaluate(
        "box => { box.value = 'capteur'; box.dispatchEvent(new Event('search')); }"
    )
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Capteur d'air")


def test_a_partner_hears_of_a_room_clash_when_proposing_and_staff_see_errors_as_errors(
    page, app, make
):
    alice = make.user(email="alice@cci.example", name="Alice Chambre")
    make.staff(email="equipe@example.org")
    chamber = make.partner("Chambre de commerce", owner=alice)
    space = make.space(capacity=30)
    taken = make.event(space, title="Conférence déjà là", starts_in=timedelta(days=12))
    with app.app_context():
        loaded = db.session.get(Event, taken.id)
        start = utc_to_local(loaded.starts_at, loaded.space.venue)

    log_in(page, "alice@cci.example")
    page.goto("/account/events/new")
    page.get_by_label("Titre").fill("Atelier : sécuriser son commerce en ligne")
    page.get_by_label("Description").fill("Les bons réflexes.")
    page.get_by_label("Début").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Fin").fill((start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Places").fill("10")
    page.get_by_role("button", name="Envoyer la proposition").click()
    error = page.locator("#space_id-error")
    expect(error).to_contain_text("La salle est déjà réservée pour « Conférence déjà là »")
    assert error.evaluate("e => getComputedStyle(e).color") == "rgb(185, 28, 28)"
    expect(page.get_by_label("Titre")).to_have_value("Atelier : sécuriser son commerce en ligne")
    assert_accessible(page)
    page.get_by_role("button", name="Se déconnecter").click()

    # A clash that slipped in (the other event published since) shows as an error to staff.
    clash = make.event(space, chamber, state=EventState.PROPOSED, starts_in=timedelta(days=12))
    log_in(page, "equipe@example.org")
    page.goto(f"/account/events/{clash.id}")
    page.get_by_role("button", name="Publier").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("La salle est déjà réservée pour « Conférence déjà là »")
    assert refusal.evaluate("e => getComputedStyle(e).color") == "rgb(127, 29, 29)"
    assert refusal.evaluate("e => getComputedStyle(e.firstElementChild).color") == (
        "rgb(127, 29, 29)"
    )
    assert_accessible(page)


def test_accepting_on_the_events_page_shows_the_co_host_and_the_attendees_at_once(page, make):
    alice = make.user(email="alice@cci.example", name="Alice Chambre")
    bruno = make.user(email="bruno@ecole.example", name="Bruno École")
    chamber = make.partner("Chambre de commerce", owner=alice)
    school = make.partner("École de design", owner=bruno)
    event = make.event(organisation=chamber, title="Atelier tableur")
    make.cohost(event, school, state=CoHostState.INVITED)
    make.registration(event, name="Zoé Martin")

    log_in(page, "bruno@ecole.example")
    page.goto(f"/account/events/{event.id}")
    expect(page.get_by_role("link", name="Participants et accueil")).to_have_count(0)
    page.get_by_role("button", name="Accepter").click()
    expect(page.locator("#flash-messages")).to_contain_text("Vous co-organisez désormais")
    cohosts = page.get_by_role("region", name="Co-organisateurs")
    expect(cohosts).to_contain_text("École de design — Acceptée")
    expect(page.get_by_role("link", name="Participants et accueil")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/account/events/{event.id}$"))
    assert_accessible(page)
    page.reload()
    expect(cohosts).to_contain_text("École de design — Acceptée")
