"""The offer email's links: the person's page shows the offer; taking or letting it go."""

from __future__ import annotations

import sqlalchemy as sa

from hub.domain.events import registrations
from hub.extensions import db
from hub.models import Event, Registration, RegistrationState
from tests.support import emails
from tests.views.test_event_hosting import proposal


def offered(app, make):
    event = make.event(capacity=1, offer_hours=24)
    seated = make.registration(event, email="ana@example.org")
    waiting = make.registration(event, email="ben@example.org", state=RegistrationState.WAITLISTED)
    make.registration(event, email="cat@example.org", state=RegistrationState.WAITLISTED)
    with app.app_context():
        registrations.cancel_registration(db.session.get(Registration, seated.id))
        db.session.commit()
    return event, waiting


def state_of(app, email):
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration).where(Registration.email == email))
        return registration.state, registration.holds_offer


def test_the_offer_link_shows_both_answers_and_changes_nothing(client, app, make):
    _event, waiting = offered(app, make)
    page = client.get(f"/r/{waiting.token}/offer?answer=accept")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Une place vous est proposée" in html
    assert f'action="/r/{waiting.token}/offer/accept"' in html
    assert f'action="/r/{waiting.token}/offer/decline"' in html
    assert "Annuler mon inscription" not in html
    assert state_of(app, "ben@example.org") == (RegistrationState.WAITLISTED, True)


def test_taking_the_seat_confirms_it(client, app, make):
    _event, waiting = offered(app, make)
    response = client.submit(f"/r/{waiting.token}/offer/accept")
    assert response.status_code == 303
    page = client.get(f"/r/{waiting.token}").get_data(as_text=True)
    assert "La place est à vous\u00a0: votre inscription est confirmée." in page
    assert state_of(app, "ben@example.org") == (RegistrationState.CONFIRMED, False)


def test_letting_it_go_offers_it_to_the_next_person(client, app, make):
    _event, waiting = offered(app, make)
    assert client.submit(f"/r/{waiting.token}/offer/decline").status_code == 303
    assert state_of(app, "ben@example.org") == (RegistrationState.CANCELLED, False)
    assert state_of(app, "cat@example.org") == (RegistrationState.WAITLISTED, True)
    assert [e.recipient for e in emails(app, kind="event_waitlist_offer")] == [
        "ben@example.org",
        "cat@example.org",
    ]


def test_someone_without_an_offer_cannot_take_a_seat(client, app, make):
    _event, _waiting = offered(app, make)
    with app.app_context():
        token = db.session.scalar(
            sa.select(Registration.token).where(Registration.email == "cat@example.org")
        )
    assert client.submit(f"/r/{token}/offer/accept").status_code == 303
    assert state_of(app, "cat@example.org") == (RegistrationState.WAITLISTED, False)
    assert client.submit("/r/nope/offer/accept").status_code == 404


def test_staff_choose_offers_with_a_deadline_in_the_event_form(client, app, make):
    staff = make.staff()
    space = make.space()
    client.login(staff.email)
    assert "Quand une place se libère" in client.get("/staff/events/new").get_data(as_text=True)

    refused = client.submit(
        "/staff/events/new",
        {**proposal(space), "organisation": "0", "waitlist": "offer", "offer_hours": "500"},
    )
    assert refused.status_code == 422
    assert 'id="offer_hours-error"' in refused.get_data(as_text=True)

    created = client.submit(
        "/staff/events/new",
        {**proposal(space), "organisation": "0", "waitlist": "offer", "offer_hours": "12"},
    )
    assert created.status_code == 303
    with app.app_context():
        assert db.session.scalars(sa.select(Event.offer_hours)).all() == [12]
