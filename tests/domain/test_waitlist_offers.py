"""Waitlist offers: a freed seat offered with a deadline, accepted, declined or passed on."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.domain.errors import Conflict
from hub.domain.events import offers, queries, registrations
from hub.domain.locks import event_seats_taken
from hub.extensions import db
from hub.models import Event, Registration, RegistrationState, utcnow
from tests.support import emails

HOUR = timedelta(hours=1)


def person(email: str) -> Registration:
    return db.session.scalar(sa.select(Registration).where(Registration.email == email))


def full_event_with_queue(make, *, offer_hours=24, starts_in=timedelta(days=7), waiting=3):
    event = make.event(capacity=2, offer_hours=offer_hours, starts_in=starts_in)
    make.registration(event, email="ana@example.org")
    make.registration(event, email="ben@example.org")
    for index in range(waiting):
        make.registration(
            event, email=f"wait{index}@example.org", state=RegistrationState.WAITLISTED
        )
    return event


def states(event: Event) -> list[tuple[str, str, bool]]:
    rows = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    )
    return [(r.email, r.state.value, r.holds_offer) for r in rows]


def test_a_cancellation_offers_the_seat_to_the_first_waiting_person_until_the_deadline(
    app, ctx, make
):
    event = full_event_with_queue(make)
    registrations.cancel_registration(person("ana@example.org"))
    db.session.commit()

    wait0 = person("wait0@example.org")
    assert wait0.state == RegistrationState.WAITLISTED
    assert wait0.offer_expires_at - wait0.offered_at == 24 * HOUR
    assert event_seats_taken(event.id) == 2  # the offer holds the seat
    assert queries.seats_left(db.session.get(Event, event.id)) == 0
    assert queries.waitlist_position(wait0) is None
    assert queries.waitlist_position(person("wait1@example.org")) == 1
    [offer] = emails(app, kind="event_waitlist_offer")
    assert offer.recipient == "wait0@example.org"
    assert offer.subject.startswith(f"Une place est libre pour {event.title}")
    assert f"http://localhost/r/{wait0.token}/offer?answer=accept" in offer.body_text
    assert f"http://localhost/r/{wait0.token}/offer?answer=decline" in offer.body_text


def test_the_deadline_is_shorter_as_the_event_nears(app, ctx, make):
    event = full_event_with_queue(make, offer_hours=24, starts_in=timedelta(hours=10))
    now = utcnow()
    assert (
        registrations.offer_deadline(db.session.get(Event, event.id), now)
        == now + (event.starts_at - now) / 2
    )


def test_a_new_registrant_does_not_take_a_seat_that_is_on_offer(app, ctx, make):
    event = full_event_with_queue(make)
    registrations.cancel_registration(person("ana@example.org"))
    outcome = registrations.register_for_event(
        db.session.get(Event, event.id), "Zoé", "zoe@example.org", True, "fr"
    )
    db.session.commit()
    assert outcome.registration.state == RegistrationState.WAITLISTED


def test_accepting_confirms_the_seat_once_and_sends_the_files(app, ctx, make):
    full_event_with_queue(make)
    registrations.cancel_registration(person("ana@example.org"))
    db.session.commit()
    wait0 = person("wait0@example.org")

    assert offers.accept_offer(wait0) is True
    db.session.commit()
    assert offers.accept_offer(wait0) is False  # a second click

    assert (wait0.state, wait0.holds_offer) == (RegistrationState.CONFIRMED, False)
    [confirmed] = emails(app, recipient="wait0@example.org", kind="event_registration_promoted")
    assert [f["filename"] for f in confirmed.attachments][1] == "check-in-qr-code.png"


def test_declining_passes_the_seat_to_the_next_person(app, ctx, make):
    event = full_event_with_queue(make)
    registrations.cancel_registration(person("ana@example.org"))
    db.session.commit()

    assert offers.decline_offer(person("wait0@example.org")) is True
    db.session.commit()
    assert offers.decline_offer(person("wait0@example.org")) is False

    assert states(event) == [
        ("ana@example.org", "cancelled", False),
        ("ben@example.org", "confirmed", False),
        ("wait0@example.org", "cancelled", False),
        ("wait1@example.org", "waitlisted", True),
        ("wait2@example.org", "waitlisted", False),
    ]
    assert [e.recipient for e in emails(app, kind="event_waitlist_offer")] == [
        "wait0@example.org",
        "wait1@example.org",
    ]


def test_the_worker_ends_unanswered_offers_and_offers_the_seat_to_the_next(app, ctx, make):
    event = full_event_with_queue(make)
    registrations.cancel_registration(person("ana@example.org"))
    db.session.commit()
    deadline = person("wait0@example.org").offer_expires_at

    assert offers.expire_offers(deadline - timedelta(seconds=1)) == 0
    assert offers.expire_offers(deadline) == 1
    db.session.commit()

    assert states(event)[2:] == [
        ("wait0@example.org", "cancelled", False),
        ("wait1@example.org", "waitlisted", True),
        ("wait2@example.org", "waitlisted", False),
    ]
    assert person("wait1@example.org").offered_at == deadline
    [ended] = emails(app, kind="event_waitlist_offer_expired")
    assert ended.recipient == "wait0@example.org"
    assert offers.expire_offers(deadline) == 0  # nothing twice


def test_an_answer_after_the_deadline_is_refused(app, ctx, make):
    full_event_with_queue(make)
    registrations.cancel_registration(person("ana@example.org"))
    db.session.commit()
    wait0 = person("wait0@example.org")
    with pytest.raises(Conflict):
        offers.accept_offer(wait0, now=wait0.offer_expires_at)


def test_an_expired_offer_with_nobody_waiting_leaves_the_seat_free(app, ctx, make):
    event = full_event_with_queue(make, waiting=1)
    registrations.cancel_registration(person("ana@example.org"))
    db.session.commit()
    offers.expire_offers(person("wait0@example.org").offer_expires_at)
    db.session.commit()
    assert queries.seats_left(db.session.get(Event, event.id)) == 1


def test_an_event_without_offers_still_promotes_at_once(app, ctx, make):
    event = full_event_with_queue(make, offer_hours=None)
    registrations.cancel_registration(person("ana@example.org"))
    db.session.commit()
    assert states(event)[2][:2] == ("wait0@example.org", "confirmed")
    assert emails(app, kind="event_waitlist_offer") == []
