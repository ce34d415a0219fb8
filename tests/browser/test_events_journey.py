"""Partners propose and co-host, staff publish, the public registers, cancels, is promoted."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from hub.extensions import db
from hub.models import utcnow
from tests.browser.conftest import assert_accessible
from tests.support import DEFAULT_PASSWORD, emails


def log_in(page, email):
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Se déconnecter").wait_for()


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").wait_for()


def latest_mail(app, recipient, kind):
    found = emails(app, recipient, kind)
    assert found, f"no {kind} email for {recipient}"
    return found[-1].body_text


def private_link(body):
    match = re.search(r"https?://\S+/r/[\w-]+", body)
    assert match, body
    return match.group(0)


def register(page, name, email):
    page.get_by_label("Votre nom").fill(name)
    page.get_by_role("textbox", name="E-mail").fill(email)


def test_partners_co_host_staff_publish_and_the_public_registers(page, app, make, live_server):
    make.user(email="alice@cci.example", name="Alice Chambre")
    make.user(email="bruno@ecole.example", name="Bruno École")
    make.staff(email="equipe@atelier.example")
    with app.app_context():
        from hub.models import User

        alice, bruno = (
            db.session.scalar(sa.select(User).where(User.email == email))
            for email in ("alice@cci.example", "bruno@ecole.example")
        )
        db.session.expunge_all()
    make.partner("Chambre de commerce", owner=alice)
    make.partner("École de design", owner=bruno)
    make.space(capacity=30)
    day = (utcnow() + timedelta(days=12)).date().isoformat()

    # A partner proposes an event and invites a co-host.
    log_in(page, "alice@cci.example")
    page.goto("/account/")
    assert_accessible(page)
    page.get_by_role("link", name="Proposer un événement").click()
    assert_accessible(page)
    page.get_by_label("Titre").fill("Atelier : sécuriser son commerce en ligne")
    page.get_by_label("Type").select_option(label="Atelier")
    page.get_by_label("Public", exact=True).select_option(label="Professionnels")
    page.get_by_label("Description").fill("Les bons réflexes, **sans jargon**.")
    page.get_by_label("Début").fill(f"{day}T14:00")
    page.get_by_label("Fin").fill(f"{day}T16:00")
    page.get_by_label("Places").fill("1")
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.get_by_text("Votre proposition est envoyée.").wait_for()
    assert_accessible(page)
    page.get_by_label("Partenaire à inviter").select_option(label="École de design")
    page.get_by_role("button", name="Inviter à co-organiser").click()
    page.get_by_text("École de design est invité à co-organiser.").wait_for()
    log_out(page)

    # The invited partner accepts inline.
    log_in(page, "bruno@ecole.example")
    page.goto("/account/")
    assert_accessible(page)
    page.get_by_role("button", name="Accepter").click()
    page.get_by_text("Vous co-organisez désormais").wait_for()
    assert_accessible(page)
    log_out(page)

    # Staff publish.
    log_in(page, "equipe@atelier.example")
    page.goto("/staff/")
    assert_accessible(page)
    page.get_by_role("link", name="Atelier : sécuriser son commerce en ligne").click()
    assert_accessible(page)
    page.get_by_role("button", name="Publier").click()
    page.get_by_text("L'événement est publié.").wait_for()
    log_out(page)

    # An anonymous visitor finds it in the agenda and registers.
    page.goto("/events")
    assert_accessible(page)
    page.get_by_role("link", name="Atelier", exact=True).click()
    page.wait_for_url("**/events?kind=workshop")
    page.get_by_role("link", name="Atelier", exact=True).and_(
        page.locator("[aria-current]")
    ).wait_for()
    page.get_by_role("heading", name="Atelier : sécuriser son commerce en ligne").wait_for()
    page.get_by_role("link", name="Atelier : sécuriser son commerce en ligne").click()
    page.get_by_text("Chambre de commerce").wait_for()
    assert page.get_by_text("École de design").is_visible()
    assert_accessible(page)
    register(page, "Zoé Martin", "zoe@example.org")
    page.get_by_role("button", name="M'inscrire gratuitement").click()
    page.get_by_text("Vous êtes inscrit·e !").wait_for()
    assert_accessible(page)

    # A second visitor finds the event full and joins the waiting list.
    page.context.clear_cookies()
    page.reload()
    page.get_by_text("Complet : les nouvelles inscriptions vont en liste d'attente.").wait_for()
    register(page, "Yanis Petit", "yanis@example.org")
    page.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    page.get_by_text("vous êtes numéro 1 sur la liste d'attente").wait_for()

    # The first visitor reads the email, opens the private link and cancels.
    confirmation = latest_mail(app, "zoe@example.org", "event_registration_confirmed")
    page.goto(private_link(confirmation).replace("http://localhost", live_server))
    page.get_by_role("heading", name="Mon inscription").wait_for()
    assert page.get_by_text("Confirmée").is_visible()
    assert_accessible(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Annuler mon inscription").click()
    page.get_by_text("Votre inscription est annulée.").wait_for()
    assert_accessible(page)

    # The waitlisted person is promoted and told.
    promotion = latest_mail(app, "yanis@example.org", "event_registration_promoted")
    page.goto(private_link(promotion).replace("http://localhost", live_server))
    page.locator("#registration-state").get_by_text("Confirmée").wait_for()
    assert_accessible(page)


def test_a_host_searches_attendees_and_checks_them_in_at_the_door(page, app, make):
    alice = make.user(email="alice@cci.example", name="Alice Chambre")
    chamber = make.partner("Chambre de commerce", owner=alice)
    event = make.event(organisation=chamber, capacity=3, title="Atelier tableur")
    make.registration(event, name="Zoé Martin", email="zoe@example.org")
    yanis = make.registration(event, name="Yanis Petit", email="yanis@example.org")

    page.set_viewport_size({"width": 390, "height": 844})  # the door staff use a phone
    log_in(page, "alice@cci.example")
    page.goto(f"/account/events/{event.id}")
    assert_accessible(page)
    page.get_by_role("link", name="Participants et accueil").click()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    counts = page.locator("#attendee-counts")
    expect(counts).to_have_text("2 confirmé·es, 0 en liste d'attente, 0 venu·e, 0 annulé·e.")

    # Search as you type; the button is large and the result shows beside the person.
    page.get_by_label("Chercher un nom ou un e-mail").press_sequentially("zoé", delay=30)
    page.wait_for_url("**q=zo*")
    expect(page.locator("#registration-" + str(yanis.id))).to_have_count(0)
    button = page.get_by_role("button", name="Enregistrer l'arrivée de Zoé Martin")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300, box
    button.click()
    person = page.locator("#attendee-list li").filter(has_text="Zoé Martin")
    expect(person).to_contain_text("Zoé Martin est enregistré·e à l'entrée.")
    expect(person).to_contain_text("Arrivé·e à")
    expect(counts).to_have_text("1 confirmé·e, 0 en liste d'attente, 1 venu·e, 0 annulé·e.")
    expect(page.locator("#flash-messages")).to_be_empty()
    assert_accessible(page)
    page.reload()
    expect(counts).to_have_text("1 confirmé·e, 0 en liste d'attente, 1 venu·e, 0 annulé·e.")
    expect(page.locator("#flash-messages")).to_be_empty()

    # At the door: the QR code opens the check-in page with the registration's code.
    page.goto(f"/account/check-in?code={yanis.check_in_code}")
    page.get_by_role("heading", name="Yanis Petit").wait_for()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.get_by_role("button", name="Enregistrer l'arrivée de Yanis Petit").click()
    card = page.locator("#door-registration")
    expect(card).to_contain_text("Yanis Petit est enregistré·e à l'entrée.")
    expect(card).to_contain_text("Venu·e")
    expect(card.locator("#attendee-counts")).to_have_text(
        "0 confirmé·e, 0 en liste d'attente, 2 venu·es, 0 annulé·e."
    )
    assert_accessible(page)


def test_a_host_writes_to_the_registrants_after_a_preview_and_the_email_arrives(page, app, make):
    alice = make.user(email="alice@cci.example", name="Alice Chambre")
    chamber = make.partner("Chambre de commerce", owner=alice)
    event = make.event(organisation=chamber, capacity=2, title="Atelier tableur")
    make.registration(event, name="Zoé Martin", email="zoe@example.org")
    make.registration(event, name="Sam Smith", email="sam@example.org", locale="en")
    make.registration(event, name="Yanis Petit", email="yanis@example.org", state="waitlisted")

    log_in(page, "alice@cci.example")
    page.goto(f"/account/events/{event.id}")
    page.get_by_role("link", name="Écrire aux inscrits").click()
    assert_accessible(page)
    page.get_by_label("Écrire à").select_option("confirmed")
    page.get_by_label("Objet en français").fill("Changement de salle")
    page.get_by_label("Message en français").fill("Rendez-vous salle Jacquard, au 1er étage.")
    page.get_by_label("Objet en anglais").fill("New room")
    page.get_by_label("Message en anglais").fill("Meet in the Jacquard room, first floor.")

    # The preview comes as the host types: how many people, and the email itself.
    preview = page.locator("#message-preview")
    preview.get_by_text("Ce message partira vers 2 personnes.").wait_for()
    preview.get_by_text("En français : 1, en anglais : 1.").wait_for()
    preview.get_by_text("Changement de salle — Atelier tableur").wait_for()
    assert preview.get_by_text("New room — Atelier tableur").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer à 2 personnes").click()
    page.get_by_text("Votre message part vers 2 personnes.").wait_for()
    assert_accessible(page)

    [french] = emails(app, "zoe@example.org", "event_message")
    [english] = emails(app, "sam@example.org", "event_message")
    assert french.subject == "Changement de salle — Atelier tableur"
    assert "Rendez-vous salle Jacquard, au 1er étage." in french.body_text
    assert "/r/" in private_link(french.body_text)
    assert english.subject == "New room — Atelier tableur"
    assert emails(app, "yanis@example.org", "event_message") == []
