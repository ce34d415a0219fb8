"""The walk-in form beside the attendee list: added, refused beside the field, 404 for others."""

from __future__ import annotations

import sqlalchemy as sa

from hub.extensions import db
from hub.models import Registration, RegistrationState


def rows(app, event):
    with app.app_context():
        return [
            (r.name, r.email, r.state, r.walk_in)
            for r in db.session.scalars(
                sa.select(Registration)
                .where(Registration.event_id == event.id)
                .order_by(Registration.id)
            )
        ]


def test_a_host_adds_a_walk_in_from_the_attendee_list(client, app, make):
    staff = make.staff()
    event = make.event(capacity=2)
    client.login(staff.email)
    page = client.get(f"/account/events/{event.id}/attendees").get_data(as_text=True)
    assert "Ajouter une personne à l'entrée" in page

    response = client.submit(
        f"/account/events/{event.id}/walk-ins", {"name": "Léa Martin", "email": ""}
    )
    assert response.status_code == 303
    assert rows(app, event) == [("Léa Martin", "", RegistrationState.ATTENDED, True)]
    page = client.get(f"/account/events/{event.id}/attendees").get_data(as_text=True)
    assert "Léa Martin figure désormais parmi les présents." in page


def test_a_full_event_asks_for_the_checkbox_and_keeps_what_was_typed(client, app, make):
    staff = make.staff()
    event = make.event(capacity=1)
    make.registration(event, email="ana@example.org")
    client.login(staff.email)
    url = f"/account/events/{event.id}/walk-ins"

    refused = client.submit(url, {"name": "Léa Martin", "email": "lea@example.org"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="exceed_capacity-error"' in html
    assert 'value="Léa Martin"' in html and 'value="lea@example.org"' in html
    assert len(rows(app, event)) == 1

    accepted = client.submit(url, {"name": "Léa Martin", "exceed_capacity": "y"})
    assert accepted.status_code == 303
    assert rows(app, event)[-1] == ("Léa Martin", "", RegistrationState.ATTENDED, True)


def test_a_bad_email_is_refused_beside_the_field(client, app, make):
    staff = make.staff()
    event = make.event(capacity=3)
    client.login(staff.email)
    refused = client.submit(
        f"/account/events/{event.id}/walk-ins", {"name": "Léa", "email": "pas-une-adresse"}
    )
    assert refused.status_code == 422
    assert 'id="email-error"' in refused.get_data(as_text=True)


def test_someone_who_does_not_host_the_event_gets_404(client, app, make):
    event = make.event(capacity=3)
    client.login(make.user().email)
    response = client.submit(f"/account/events/{event.id}/walk-ins", {"name": "Léa"})
    assert response.status_code == 404
    assert rows(app, event) == []
