"""Group registrations: one person books several places, naming the others."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hub.domain.errors import DomainError
from hub.domain.events import queries, registrations
from hub.extensions import db
from hub.models import Event, Registration, RegistrationState


def book(event, name, *companions):
    outcome = registrations.register_for_event(
        db.session.get(Event, event.id),
        name,
        f"{name.lower()}@example.org",
        True,
        "fr",
        companions=list(companions),
    )
    db.session.commit()
    return outcome.registration


def states(event):
    rows = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    )
    return [(r.name, r.places, r.state.value) for r in rows]


def test_each_place_of_a_group_takes_a_seat(app, ctx, make):
    event = make.event(capacity=5, max_places=3)
    group = book(event, "Ana", "Ben", " ", "Cat")
    assert (group.places, group.companion_names, group.state) == (
        3,
        ["Ben", "Cat"],
        RegistrationState.CONFIRMED,
    )
    assert queries.seats_left(db.session.get(Event, event.id)) == 2


def test_a_group_waits_together_when_there_is_not_room_for_all(app, ctx, make):
    event = make.event(capacity=4, max_places=3)
    book(event, "Ana", "Ben")
    book(event, "Dan", "Eve", "Fay")
    book(event, "Gus")
    assert states(event) == [
        ("Ana", 2, "confirmed"),
        ("Dan", 3, "waitlisted"),
        ("Gus", 1, "confirmed"),
    ]
    assert queries.seats_left(db.session.get(Event, event.id)) == 1


def test_a_group_is_promoted_only_when_all_of_it_fits_and_keeps_its_turn(app, ctx, make):
    event = make.event(capacity=3, max_places=3)
    ana = book(event, "Ana", "Ben")
    gus = book(event, "Gus")
    book(event, "Dan", "Eve", "Fay")
    book(event, "Hal")

    registrations.cancel_registration(gus)
    db.session.commit()
    # One seat free: the group at the head waits, and nobody jumps the queue.
    assert states(event)[2:] == [("Dan", 3, "waitlisted"), ("Hal", 1, "waitlisted")]

    registrations.cancel_registration(ana)
    db.session.commit()
    assert states(event)[2:] == [("Dan", 3, "confirmed"), ("Hal", 1, "waitlisted")]


def test_no_more_places_than_the_event_allows(app, ctx, make):
    event = make.event(capacity=10)  # one place per registration by default
    with pytest.raises(DomainError) as refused:
        book(event, "Ana", "Ben")
    assert refused.value.field == "companions"
    assert "1 place" in str(refused.value.message)


def test_a_group_offer_holds_all_its_seats(app, ctx, make):
    event = make.event(capacity=2, max_places=2, offer_hours=24)
    ana = book(event, "Ana", "Ben")
    book(event, "Dan", "Eve")
    registrations.cancel_registration(ana)
    db.session.commit()
    dan = db.session.scalar(sa.select(Registration).where(Registration.name == "Dan"))
    assert dan.holds_offer
    assert queries.seats_left(db.session.get(Event, event.id)) == 0
