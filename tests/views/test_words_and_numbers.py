"""Numbers with their own plural, in French and English, on the pages that show them."""

from __future__ import annotations

import re

from hub.models import ApplicationState, RegistrationState
from tests.support import lately


def test_a_slot_with_one_seat_taken_says_it_in_the_singular(client, make):
    staff = make.staff()
    slot = make.slot(seats=3, theme="Mobilité")
    make.application(slot, state=ApplicationState.ACCEPTED)
    make.application(slot)
    client.login(staff.email)
    html = client.get("/staff/showcase/applications").text
    assert "1 place prise sur 3" in html and "places prises" not in html
    english = client.get("/staff/showcase/applications?lang=en").text
    assert "1 of 3 seats taken" not in english and "1 of 3 seat taken" in english


def test_attendee_counts_each_have_their_plural(client, make):
    staff = make.staff()
    event = make.event(capacity=5)
    make.registration(event)
    make.registration(event, state=RegistrationState.CANCELLED)
    make.registration(event, state=RegistrationState.ATTENDED)
    make.registration(event, state=RegistrationState.ATTENDED)
    client.login(staff.email)
    html = " ".join(client.get(f"/account/events/{event.id}/attendees").text.split())
    assert "1 confirmé·e, 0 en liste d'attente, 2 venu·es, 1 annulé·e." in html
    manage = " ".join(client.get(f"/account/events/{event.id}").text.split())
    assert "1 confirmé·e, 0 en liste d'attente, 2 venu·es, 1 annulé·e." in manage


def test_a_room_of_one_is_refused_in_the_singular(client, make):
    alice = make.user()
    chamber = make.partner("Chambre de commerce", owner=alice)
    space = make.space(capacity=1)
    client.login(alice.email)
    response = client.submit(
        "/account/events/new",
        {
            "organisation": str(chamber.id),
            "title": "Entretien individuel",
            "kind": "training",
            "audience": "everyone",
            "language": "fr",
            "description": "Un rendez-vous.",
            "space_id": str(space.id),
            "starts_at": "2031-03-07T14:00",
            "ends_at": "2031-03-07T15:00",
            "capacity": "4",
        },
    )
    assert response.status_code == 422
    assert "Cette salle accueille 1 personne au plus." in response.text


def test_the_figures_month_sentence_counts_in_the_singular_too(client, make):
    from datetime import timedelta

    from hub.models import utcnow

    event = make.event(capacity=5, starts_at=utcnow().replace(microsecond=0) - timedelta(days=3))
    make.registration(event, state=RegistrationState.ATTENDED)
    client.login(make.staff().email)
    html = client.get(f"/staff/figures?{lately()}").text
    sentence = re.search(r"1 inscription et 1 présence sur [^<]*", html)
    assert sentence is not None, "the month sentence in the singular"
    assert sentence.group().endswith(", avec 1 inscription.")
