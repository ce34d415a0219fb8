"""A committee in Chromium: a reviewer scores inline, then sees the others' scores; the
team accepts several applications at once."""

from __future__ import annotations

from hub.extensions import db
from hub.models import Application, ApplicationState, Review
from tests.browser.conftest import assert_accessible
from tests.browser.test_showcase_journey import log_in


def test_a_reviewer_scores_then_the_team_accepts_in_bulk(page, make, app):
    ana = make.staff(email="ana@example.org", name="Ana")
    bob = make.staff(email="bob@example.org", name="Bob")
    slot = make.slot(seats=2, theme="Journée démo santé")
    first = make.application(slot, make.startup(name="Medilien"))
    second = make.application(slot, make.startup(name="Agrivue"))
    with app.app_context():
        db.session.add(Review(application_id=first.id, reviewer_id=ana.id, score=5, comment="Top"))
        db.session.commit()

    log_in(page, bob.email)
    page.goto(f"/staff/showcase/applications?slot={slot.id}")
    row = page.locator(f"#application-{first.id}")
    row.get_by_text("Notez-la pour voir les notes des autres.").wait_for()
    assert_accessible(page)
    row.get_by_label("Votre note").select_option("3")
    row.get_by_label("Commentaire pour l’équipe").fill("Prometteur")
    row.get_by_role("button", name="Enregistrer ma note").click()
    page.locator(f"#application-{first.id}").get_by_text("moyenne 4,0").wait_for()
    assert_accessible(page)

    page.get_by_label("Sélectionner Medilien").check()
    page.get_by_label("Sélectionner Agrivue").check()
    page.get_by_label("Un message pour chaque startup").fill("Bienvenue au démo day !")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Accepter les candidatures cochées").click()
    page.get_by_text("2 candidatures décidées\u202f; les startups ont été prévenues.").wait_for()
    assert_accessible(page)
    with app.app_context():
        states = [db.session.get(Application, a.id).state for a in (first, second)]
    assert states == [ApplicationState.ACCEPTED, ApplicationState.ACCEPTED]
