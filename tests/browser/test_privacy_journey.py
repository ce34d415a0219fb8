"""A person sees, corrects and erases their data from a private link; the account page, the
staff's request page, the privacy notice and the accessibility statement pass axe."""

from __future__ import annotations

import re
from datetime import timedelta

from hub.models import RegistrationState, utcnow
from tests.browser.conftest import assert_accessible
from tests.browser.test_events_journey import latest_mail, log_in, log_out


def test_a_person_corrects_then_erases_their_data_and_the_waiting_list_moves_up(page, app, make):
    event = make.event(title="Sécurité en ligne", capacity=1, starts_in=timedelta(days=5))
    ana = make.registration(event, name="Ana Lpz", email="ana@example.org")
    make.registration(
        event, name="Cléo Attente", email="cleo@example.org", state=RegistrationState.WAITLISTED
    )
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"/r/{ana.token}")
    page.get_by_role("link", name=re.compile("Mes données personnelles")).click()
    page.get_by_role("heading", name="Mes données personnelles").wait_for()
    assert_accessible(page)
    page.get_by_label("Votre nom").fill("Ana López")
    page.get_by_role("button", name="Enregistrer mon nom").click()
    page.get_by_text("Votre nom est corrigé.").wait_for()
    page.get_by_role("cell", name="Ana López").wait_for()

    page.get_by_role("button", name="M’envoyer le lien pour effacer mes données").click()
    page.get_by_text("Nous avons envoyé un lien à ana@example.org").wait_for()
    assert_accessible(page)
    link = re.search(
        r"/privacy/erase/\S+", latest_mail(app, "ana@example.org", "privacy_erasure_confirm")
    )
    page.goto(link.group(0))
    assert_accessible(page)
    page.get_by_role("button", name="Tout effacer").click()
    page.get_by_text("C’est fait\u00a0: 1 inscription a été effacée.").wait_for()
    assert_accessible(page)
    latest_mail(app, "cleo@example.org", "event_registration_promoted")


def test_the_account_staff_and_legal_pages_pass_axe_at_390_pixels(page, app, make):
    page.set_viewport_size({"width": 390, "height": 800})
    event = make.event(title="Tableur pour tous", starts_at=utcnow() - timedelta(days=2))
    make.registration(event, name="Ana Lpz", email="ana@example.org")
    make.user(email="ana@example.org", name="Ana Lpz")
    make.staff(email="equipe@atelier.example")

    for path in ("/privacy", "/accessibility", "/privacy?lang=en", "/accessibility?lang=en"):
        page.goto(path)
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

    log_in(page, "ana@example.org")
    page.goto("/account/")
    page.get_by_role("link", name=re.compile("Voir, télécharger, corriger")).click()
    page.get_by_role("cell", name="Tableur pour tous").wait_for()
    assert_accessible(page)
    log_out(page)

    log_in(page, "equipe@atelier.example")
    page.goto("/staff/")
    page.get_by_role("link", name="Demandes sur les données personnelles").click()
    page.get_by_label("Adresse e-mail").fill("ana@example.org")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("cell", name="Tableur pour tous").wait_for()
    assert_accessible(page)
