"""Every page the journeys visit, for each role, on a phone and a desktop, in both languages:
nothing wider than the screen, axe finds nothing, no CSP refusal, the header on one row on a
desktop. Screenshots of the pages a person sees first are written to screenshots/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from hub.models import CoHostState, EventState, RegistrationState, utcnow
from tests.browser.conftest import AXE, watch
from tests.support import DEFAULT_PASSWORD, ROOT

SCREENSHOTS = ROOT / "screenshots"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
LANGUAGES = ("fr", "en")
STAFF, PARTNER, STARTUP = "staff@example.org", "alice@cci.example", "hugo@textilab.example"


@dataclass
class Visit:
    path: str
    screenshot: str | None = None  # the name of its picture in screenshots/


@pytest.fixture
def pages(make) -> dict[str, tuple[str | None, list[Visit]]]:
    """A small hub with one of everything, and what each role visits in it."""
    make.staff(email=STAFF, name="Camille Équipe")
    alice = make.user(email=PARTNER, name="Alice Chambre")
    hugo = make.user(email=STARTUP, name="Hugo Perrin")
    chamber = make.partner("Chambre de commerce et d'industrie", owner=alice, slug="cci")
    school = make.partner("École supérieure d'art et de design", slug="esad")
    textilab = make.startup("TextiLab", owner=hugo, slug="textilab", sectors=["Industrie"])
    fabric = make.innovation(
        textilab, "Tissu chauffant basse tension", slug="tissu", tags=["Industrie", "Énergie"]
    )
    make.innovation(title="Compteur carbone en boutique", slug="compteur", featured_rank=1)
    space = make.space(capacity=30)
    event = make.event(space, chamber, title="Atelier : sécuriser son commerce en ligne")
    make.cohost(event, school)
    zoe = make.registration(event, name="Zoé Martin", email="zoe@example.org")
    make.registration(event, name="Yanis Petit", state=RegistrationState.WAITLISTED)
    make.registration(event, name="Inès Robert", state=RegistrationState.ATTENDED)
    past = make.event(space, chamber, title="Atelier tableur", starts_in=timedelta(days=-3))
    attended = make.registration(past, name="Léa Fabre", state=RegistrationState.ATTENDED)
    proposal = make.event(space, chamber, title="Conférence IA", state=EventState.PROPOSED)
    invited = make.event(space, school, title="Portes ouvertes")
    make.cohost(invited, chamber, state=CoHostState.INVITED)
    slot = make.slot(theme="Industrie du futur")
    application = make.application(slot, textilab, innovation=fabric)
    open_slot = make.slot(theme="Climat et énergie")
    assert utcnow() > past.ends_at

    public = [
        Visit("/", "home"),
        Visit("/innovations", "catalogue"),
        Visit("/innovations?q=tissu&city=Saint-%C3%89tienne"),
        Visit(f"/innovations/{fabric.slug}", "innovation"),
        Visit("/events", "agenda"),
        Visit("/events?kind=workshop"),
        Visit(f"/events/{event.slug}", "event"),
        Visit(f"/events/{event.slug}/register"),
        Visit(f"/events/{past.slug}"),
        Visit(f"/r/{zoe.token}"),
        Visit(f"/r/{attended.token}/feedback"),
        Visit("/startups"),
        Visit(f"/startups/{textilab.slug}"),
        Visit("/partners"),
        Visit(f"/partners/{chamber.slug}"),
        Visit("/demo-days"),
        Visit(f"/demo-days/{slot.id}"),
        Visit("/auth/login"),
        Visit("/auth/register"),
        Visit(f"/embed/events?host={chamber.slug}"),
        Visit(f"/r/{zoe.token}/data"),
        Visit("/privacy"),
        Visit("/accessibility"),
    ]
    return {
        "visitor": (None, public),
        "staff": (
            STAFF,
            [
                Visit("/staff/"),
                Visit("/staff/featured/?q=tissu"),
                Visit("/staff/events"),
                Visit("/staff/events/new"),
                Visit(f"/account/events/{proposal.id}"),
                Visit(f"/account/events/{event.id}"),
                Visit("/staff/showcase/applications"),
                Visit("/staff/showcase/slots"),
                Visit("/staff/showcase/slots/new"),
                Visit("/staff/organisations?show=all"),
                Visit("/staff/users"),
                Visit("/staff/figures"),
                Visit("/staff/figures/report"),
                Visit("/staff/audit"),
                Visit("/staff/privacy?email=zoe%40example.org"),
                Visit("/account/"),
            ],
        ),
        "partner": (
            PARTNER,
            [
                Visit("/account/"),
                Visit("/account/events/new"),
                Visit(f"/account/events/{event.id}"),
                Visit(f"/account/events/{proposal.id}/edit"),
                Visit(f"/account/events/{event.id}/attendees"),
                Visit(f"/account/events/{event.id}/attendees?q=zo"),
                Visit(f"/account/check-in?code={zoe.token}", "check-in"),
                Visit(f"/account/events/{event.id}/message"),
                Visit(f"/account/events/{event.id}/questions"),
                Visit("/account/data"),
                Visit(f"/account/events/{invited.id}"),
                Visit("/account/figures"),
                Visit(f"/events/{event.slug}"),
            ],
        ),
        "startup": (
            STARTUP,
            [
                Visit("/account/"),
                Visit(f"/manage/{textilab.slug}"),
                Visit(f"/manage/{textilab.slug}/profile"),
                Visit(f"/manage/{textilab.slug}/innovations/new"),
                Visit(f"/manage/{textilab.slug}/innovations/{fabric.id}"),
                Visit(f"/manage/{textilab.slug}/applications/{application.id}"),
                Visit(f"/manage/{textilab.slug}/applications/new?slot={open_slot.id}"),
                Visit(f"/demo-days/{slot.id}"),
                Visit(f"/innovations/{fabric.slug}"),
            ],
        ),
    }


# htmx has loaded what the page asks for on load (the registration form, for one).
PENDING = ".htmx-request, [hx-trigger=load]"
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
# Where each item of the header sits, rounded: one row when all share one middle line.
HEADER_ROWS = """() => new Set([...document.querySelectorAll('.site-header nav li')].map(
  (li) => { const box = li.getBoundingClientRect(); return Math.round((box.top + box.bottom) / 8); }
)).size"""
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(
  (v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)"""


def log_in(tab, email: str) -> None:
    tab.goto("/auth/login")
    tab.locator("#email").fill(email)
    tab.locator("#password").fill(DEFAULT_PASSWORD)
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_url(lambda url: "/auth/login" not in url)


@pytest.mark.parametrize("role", ["visitor", "staff", "partner", "startup"])
def test_every_page_fits_the_screen_and_passes_axe(role, pages, browser, live_server, one_database):
    email, visits = pages[role]
    axe = AXE.read_text()
    faults: list[str] = []
    for size, (width, height) in SIZES.items():
        for language in LANGUAGES:
            # One profile per size and language, many pages each: the sweep stays quick.
            context = browser.new_context(
                base_url=live_server, viewport={"width": width, "height": height}
            )
            context.set_default_timeout(10_000)
            context.add_cookies([{"name": "hub_lang", "value": language, "url": live_server}])
            tab = context.new_page()
            errors = watch(tab)
            if email:
                log_in(tab, email)
            for visit in visits:
                where = f"{role} {size} {language} {visit.path}"
                response = tab.goto(visit.path)
                expect(tab.locator(PENDING)).to_have_count(0)
                if response.status >= 400:
                    faults.append(f"{where}: status {response.status}")
                if tab.locator("html").get_attribute("lang") != language:
                    faults.append(f"{where}: not in {language}")
                if not tab.evaluate(FITS):
                    wide = tab.evaluate("document.documentElement.scrollWidth")
                    faults.append(f"{where}: {wide} px wide for a {width} px screen")
                if size == "desktop" and tab.evaluate(HEADER_ROWS) > 1:
                    faults.append(f"{where}: the header wraps onto more than one row")
                tab.evaluate(axe)
                faults.extend(f"{where}: axe {found}" for found in tab.evaluate(AXE_RUN))
                faults.extend(f"{where}: {error}" for error in errors)
                errors.clear()
                if visit.screenshot and language == "fr":
                    SCREENSHOTS.mkdir(exist_ok=True)
                    tab.screenshot(
                        path=SCREENSHOTS / f"{visit.screenshot}-{width}.png", full_page=True
                    )
            context.close()
    assert not faults, "\n".join(faults)
