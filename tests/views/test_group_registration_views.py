"""Registering others along: the field appears when the event allows it, errors stay beside it."""

from __future__ import annotations

import sqlalchemy as sa

from hub.extensions import db
from hub.models import Event, Registration, RegistrationState
from tests.views.test_event_hosting import proposal


def rows(app, event):
    with app.app_context():
        return [
            (r.email, r.places, r.companion_names, r.state)
            for r in db.session.scalars(
                sa.select(Registration).where(Registration.event_id == event.id)
            )
        ]


def test_the_companions_field_appears_only_when_the_event_allows_groups(client, make):
    single = make.event()
    group = make.event(max_places=3)
    assert "companions" not in client.get(f"/events/{single.slug}/register").get_data(as_text=True)
    page = client.get(f"/events/{group.slug}/register").get_data(as_text=True)
    assert 'name="companions"' in page
    assert "2 autres personnes au plus" in page


def test_a_person_registers_two_others_without_javascript(client, app, make):
    event = make.event(capacity=5, max_places=3)
    data = {"name": "Ana", "email": "ana@example.org", "consent": "y", "companions": "Ben\nCat\n"}
    response = client.submit(f"/events/{event.slug}/register", data)
    assert response.status_code == 303
    assert rows(app, event) == [("ana@example.org", 3, ["Ben", "Cat"], RegistrationState.CONFIRMED)]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "avec Ben, Cat" in page


def test_too_many_names_are_refused_beside_the_field_and_kept(client, app, make):
    event = make.event(capacity=5, max_places=2)
    data = {"name": "Ana", "email": "ana@example.org", "consent": "y", "companions": "Ben\nCat"}
    response = client.hx("POST", f"/events/{event.slug}/register", target="registration", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="companions-error"' in html and "Ben\nCat" in html
    assert rows(app, event) == []


def test_staff_set_the_places_per_registration(client, app, make):
    staff = make.staff()
    space = make.space()
    client.login(staff.email)
    data = {**proposal(space), "organisation": "0", "max_places": "4"}
    assert client.submit("/staff/events/new", data).status_code == 303
    with app.app_context():
        assert db.session.scalars(sa.select(Event.max_places)).all() == [4]


def test_the_confirmation_names_the_others(client, app, make):
    from tests.support import emails

    event = make.event(capacity=5, max_places=3)
    data = {"name": "Ana", "email": "ana@example.org", "consent": "y", "companions": "Ben\nCat"}
    client.submit(f"/events/{event.slug}/register", data)
    [mail] = emails(app, recipient="ana@example.org")
    assert "Vos 3 places sont réservées (avec Ben, Cat) pour\u00a0:" in mail.body_text
