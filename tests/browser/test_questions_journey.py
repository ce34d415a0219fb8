"""A host asks a question; people answer it when registering, with and without JavaScript."""

from __future__ import annotations

import re

import sqlalchemy as sa

from hub.extensions import db
from hub.models import RegistrationAnswer
from tests.browser.conftest import assert_accessible
from tests.browser.test_events_journey import log_in, log_out


def answers(app):
    with app.app_context():
        return sorted(db.session.scalars(sa.select(RegistrationAnswer.value)).all())


def test_a_host_asks_a_question_and_people_answer_with_and_without_javascript(
    page, browser, live_server, app, make
):
    host = make.user(email="alice@cci.example", name="Alice Chambre")
    chamber = make.partner("Chambre de commerce", owner=host)
    event = make.event(organisation=chamber, title="Atelier tablette", capacity=10)

    log_in(page, "alice@cci.example")
    page.goto(f"/account/events/{event.id}")
    page.get_by_role("link", name="Questions à l’inscription").click()
    assert_accessible(page)
    page.get_by_label("Question", exact=True).fill("Accès sans marche ?")
    page.get_by_label("Type de réponse").select_option(label="Oui ou non")
    page.get_by_label("Pourquoi vous la posez").fill("Pour préparer la salle")
    page.get_by_label("Une réponse est obligatoire").check()
    page.get_by_role("button", name="Ajouter la question").click()
    page.get_by_text("La question est ajoutée.").wait_for()
    assert_accessible(page)
    log_out(page)

    # With JavaScript: the form loads in place and answers in place (a refused answer is
    # shown the same way as without it, below: the browser logs a 422 as an error).
    page.goto(f"/events/{event.slug}")
    page.get_by_role("group", name="Accès sans marche ?").wait_for()
    page.get_by_text("Pourquoi nous demandons\u00a0: Pour préparer la salle").wait_for()
    assert_accessible(page)
    page.get_by_label("Votre nom").fill("Zoé Martin")
    page.get_by_role("textbox", name="E-mail").fill("zoe@example.org")
    page.get_by_role("group", name="Accès sans marche ?").get_by_label("Oui").check()
    page.get_by_role("button", name="M'inscrire gratuitement").click()
    page.get_by_text("Vous êtes inscrit").wait_for()
    assert answers(app) == ["yes"]

    # Without JavaScript: a link to the form's own page, a full reload each time.
    plain = browser.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False)
    tab = plain.new_page()
    tab.goto(f"/events/{event.slug}")
    tab.get_by_role("button", name=re.compile("M'inscrire gratuitement")).click()
    tab.get_by_label("Votre nom").fill("Yanis Petit")
    tab.get_by_role("textbox", name="E-mail").fill("yanis@example.org")
    tab.get_by_role("button", name="M'inscrire gratuitement").click()
    tab.get_by_text("Répondez à cette question, s’il vous plaît.").wait_for()
    assert tab.get_by_label("Votre nom").input_value() == "Yanis Petit"
    tab.get_by_role("group", name="Accès sans marche ?").get_by_label("Non").check()
    tab.get_by_role("button", name="M'inscrire gratuitement").click()
    tab.get_by_role("heading", name="Mon inscription").wait_for()
    plain.close()
    assert answers(app) == ["no", "yes"]
