"""Series and courses in a real browser: staff make a course, people book it with and
without JavaScript; the new pages pass axe (offers and walk-ins too)."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa

from hub.domain.events import registrations, series
from hub.extensions import db
from hub.models import EventSeries, Registration, RegistrationState
from tests.browser.conftest import assert_accessible
from tests.browser.test_events_journey import log_in
from tests.domain.test_series import details, next_tuesday


def fill_course_booking(page, name, email):
    page.get_by_label("Votre nom").fill(name)
    page.get_by_role("textbox", name="E-mail").fill(email)


def test_staff_make_a_course_and_people_book_it_with_javascript(page, app, make):
    make.staff(email="equipe@atelier.example")
    space = make.space(capacity=20)
    log_in(page, "equipe@atelier.example")

    page.goto("/account/series/new")
    assert_accessible(page)
    page.get_by_label("Titre").fill("Bureautique pas à pas")
    page.get_by_label("Description").fill("Quatre séances qui vont ensemble.")
    page.get_by_label("Salle").select_option(str(space.id))
    page.get_by_label("De", exact=True).fill("14:00")
    page.get_by_label("À", exact=True).fill("16:00")
    page.get_by_label("Première date").fill(next_tuesday().isoformat())
    page.get_by_label("Nombre de semaines").fill("4")
    page.get_by_label("Places", exact=True).fill("1")
    page.get_by_label("Un parcours").check()
    page.get_by_role("button", name="Créer et publier les dates").click()
    page.get_by_text("La série est créée\u00a0: 4 dates.").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Page publique").click()
    page.get_by_role("heading", name="Bureautique pas à pas").wait_for()
    assert page.locator(".series-dates li").count() == 4
    assert_accessible(page)
    fill_course_booking(page, "Ana Durand", "ana@example.org")
    page.get_by_role("button", name="M'inscrire aux 4 séances").click()
    page.get_by_text("Vous êtes inscrit·e à toutes les séances\u202f!").wait_for()
    assert page.url.endswith("/series/bureautique-pas-a-pas")  # swapped in place by htmx
    assert_accessible(page)
    with app.app_context():
        states = db.session.scalars(
            sa.select(Registration.state).where(Registration.email == "ana@example.org")
        ).all()
    assert states == [RegistrationState.CONFIRMED] * 4


def test_without_javascript_a_full_course_puts_the_person_on_every_waiting_list(
    browser, live_server, app, make
):
    staff = make.staff()
    space = make.space()
    with app.app_context():
        rule = series.SeriesRule(starts=time(9), ends=time(12), first_date=next_tuesday(), weeks=2)
        course = series.create_series(staff, details(space, capacity=1), rule, is_course=True)
        db.session.commit()
        slug = course.slug
        series.register_for_course(
            db.session.get(EventSeries, course.id), "Ana", "ana@example.org", True, "fr"
        )
        db.session.commit()
    context = browser.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"/series/{slug}")
    assert page.get_by_text("Complet").count() == 2
    fill_course_booking(page, "Ben Martin", "ben@example.org")
    page.get_by_role("button", name="M'inscrire aux 2 séances").click()
    page.get_by_text("Une séance est complète\u00a0: vous êtes sur la liste d'attente").wait_for()
    context.close()
    with app.app_context():
        states = db.session.scalars(
            sa.select(Registration.state).where(Registration.email == "ben@example.org")
        ).all()
    assert states == [RegistrationState.WAITLISTED] * 2


def test_the_offer_and_the_walk_in_form_pass_axe(page, app, make):
    make.staff(email="equipe@atelier.example")
    event = make.event(capacity=1, offer_hours=24)
    seated = make.registration(event, email="ana@example.org")
    waiting = make.registration(event, email="ben@example.org", state=RegistrationState.WAITLISTED)
    with app.app_context():
        registrations.cancel_registration(db.session.get(Registration, seated.id))
        db.session.commit()

    page.goto(f"/r/{waiting.token}/offer?answer=accept")
    page.get_by_role("heading", name="Une place vous est proposée").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Prendre la place").click()
    page.get_by_text("La place est à vous\u00a0: votre inscription est confirmée.").wait_for()

    log_in(page, "equipe@atelier.example")
    page.goto(f"/account/events/{event.id}/attendees")
    page.get_by_text("Ajouter une personne à l'entrée").click()
    page.get_by_label("Nom", exact=True).fill("Léa Martin")
    assert_accessible(page)  # a refusal (422) is shown beside the field: tests/views
    page.get_by_label("La faire entrer même si toutes les places sont prises").check()
    page.get_by_role("button", name="Ajouter parmi les présents").click()
    page.get_by_text("Léa Martin figure désormais parmi les présents.").wait_for()
    assert_accessible(page)
