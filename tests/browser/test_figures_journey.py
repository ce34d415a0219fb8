"""After an event: the host checks people in, an attendee answers the feedback email, staff
read the figures, open the report and download the tables."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from hub.extensions import db
from hub.models import RegistrationState, utcnow
from tests.browser.conftest import assert_accessible
from tests.browser.test_events_journey import latest_mail, log_in, log_out


def test_an_attendee_answers_feedback_and_staff_read_the_figures(page, app, make):
    host = make.user(email="alice@mediatheque.example", name="Alice Médiathèque")
    make.staff(email="equipe@atelier.example")
    with app.app_context():
        from hub.models import User

        host = db.session.scalar(sa.select(User).where(User.email == host.email))
        db.session.expunge(host)
    library = make.partner("Médiathèque Loire", owner=host)
    started = utcnow().replace(second=0, microsecond=0) - timedelta(days=1)
    event = make.event(organisation=library, capacity=4, title="Atelier tablette",
                       starts_at=started)  # fmt: skip
    make.registration(event, name="Zoé Martin", email="zoe@example.org")
    make.registration(event, name="Yanis Petit", email="yanis@example.org")
    make.registration(event, name="Inès Robert", state=RegistrationState.ATTENDED)

    # The host checks Zoé in after the event (from the list): she is asked how it went.
    log_in(page, "alice@mediatheque.example")
    page.goto(f"/account/events/{event.id}/attendees")
    page.get_by_role("button", name="Enregistrer l'arrivée de Zoé Martin").click()
    page.locator("#attendee-list li").filter(has_text="Zoé Martin").get_by_text(
        "Arrivé·e à"
    ).wait_for()
    log_out(page)
    body = latest_mail(app, "zoe@example.org", "event_feedback_request")
    link = re.search(r"https?://\S+/r/[\w-]+/feedback", body).group(0)

    # Zoé answers from the link, without an account; htmx swaps the form for the thanks.
    page.goto(link.split("localhost", 1)[1])
    page.get_by_role("heading", name="Comment cela s'est-il passé ?").wait_for()
    assert_accessible(page)
    page.get_by_label("4 — Bien").check()
    page.get_by_label("Un commentaire (facultatif)").fill("Très clair, merci !")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.get_by_text("Merci ! Votre réponse est enregistrée.").wait_for()
    assert_accessible(page)

    # Staff read the figures over chosen dates, then the report, then download the tables.
    log_in(page, "equipe@atelier.example")
    page.goto("/staff/")
    page.get_by_role("link", name=re.compile("Événements, présences, personnes touchées")).click()
    page.get_by_role("heading", name="Chiffres d'impact").wait_for()
    assert_accessible(page)
    page.get_by_label("Premier jour").fill((started - timedelta(days=1)).date().isoformat())
    page.get_by_label("Dernier jour").fill(utcnow().date().isoformat())
    page.get_by_label("Dates choisies").check()
    page.wait_for_url("**period=custom*")
    page.get_by_role("button", name="Afficher les chiffres").click()
    page.wait_for_url(re.compile(r".*first=\d{4}-\d\d-\d\d&last=\d{4}.*"))
    figures = page.locator("#figure-attended dd")
    figures.filter(has_text="2").wait_for()
    assert page.locator("#figure-registrations dd").inner_text() == "3"
    assert page.locator("#figure-feedback dd").inner_text() == "1"
    assert page.locator("#figure-rating dd").inner_text() == "4,0 / 5"
    assert page.locator("#figure-attendance_rate dd").inner_text() == "67\u00a0%"
    chart = page.get_by_role("img", name="Inscriptions et présences par mois")
    assert chart.is_visible()
    page.get_by_text("Les chiffres de ce graphique").first.click()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Tous les tableaux (.xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.get_by_role("link", name="Rapport imprimable").click()
    page.get_by_role("heading", name="Rapport d'impact").wait_for()
    assert page.get_by_role("button", name="Imprimer ou enregistrer en PDF").is_visible()
    assert_accessible(page)
