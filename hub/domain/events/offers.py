"""Waitlist offers: a freed seat offered to the next person waiting, until a deadline.

An event with `offer_hours` set does not give a freed seat at once: promote_from_waitlist
(registrations.py) offers it to the first person waiting, by email, with links to accept
or decline. The offer holds the seat (hub/domain/locks.py counts it) until the person
answers or the deadline passes; the worker then passes it on to the next person. Every step
happens with the event's row locked, so a seat is never offered to two people at once, and
never lost: declined, expired or cancelled, it goes straight to the next offer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain import audit, locks
from hub.domain.errors import Conflict
from hub.domain.events.registrations import (
    cancel_registration,
    promote_from_waitlist,
    tell_registrant,
)
from hub.domain.figures import counters
from hub.domain.periodic import periodic
from hub.extensions import db
from hub.models import Event, EventState, Registration, RegistrationState, utcnow


def accept_offer(registration: Registration, now: datetime | None = None) -> bool:
    """The person takes the seat offered to them, before the deadline.

    Returns False when they had already accepted (a second click changes nothing).
    """
    now = now or utcnow()
    event = locks.lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.state == RegistrationState.CONFIRMED and registration.offered_at:
        return False
    if not registration.holds_offer or event is None or event.state != EventState.PUBLISHED:
        raise Conflict(_l("No seat is on offer to you for this event any more."))
    if now >= registration.offer_expires_at:
        raise Conflict(
            _l("The deadline to accept this seat has passed: it goes to the next person.")
        )
    registration.state = RegistrationState.CONFIRMED
    registration.confirmed_at = now
    registration.offer_expires_at = None
    db.session.flush()
    counters.record_promotion(registration)
    audit.record(None, "registration.offer_accepted", registration, event=event.slug)
    tell_registrant(registration, "event_registration_promoted", with_files=True)
    return True


def decline_offer(registration: Registration) -> bool:
    """The person lets the offered seat go: their registration ends and the seat is offered
    to the next person. Returns False when there was no offer left to decline."""
    locks.lock_event(registration.event_id)
    db.session.refresh(registration)
    if not registration.holds_offer:
        return False
    return cancel_registration(registration)


@periodic("events.waitlist_offers", every=timedelta(minutes=1))
def expire_offers(now: datetime) -> int:
    """End the offers whose deadline has passed and offer each seat to the next person.

    The person who did not answer is told their registration has ended (they may register
    again). Offers on an event no longer published simply end. Returns how many expired.
    """
    event_ids = db.session.scalars(
        sa.select(Registration.event_id)
        .where(
            Registration.state == RegistrationState.WAITLISTED,
            Registration.offer_expires_at <= now,
        )
        .distinct()
        .order_by(Registration.event_id)
    ).all()
    expired = 0
    for event_id in event_ids:
        event = locks.lock_event(event_id)
        overdue = db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event_id,
                Registration.state == RegistrationState.WAITLISTED,
                Registration.offer_expires_at <= now,
            )
            .order_by(Registration.id)
            .execution_options(populate_existing=True)
        ).all()
        for registration in overdue:
            _end_offer(event, registration, now)
            expired += 1
        db.session.flush()
        if event.state == EventState.PUBLISHED:
            promote_from_waitlist(event, now=now)
    return expired


def _end_offer(event: Event, registration: Registration, now: datetime) -> None:
    registration.offer_expires_at = None
    if event.state != EventState.PUBLISHED:
        return
    registration.state = RegistrationState.CANCELLED
    registration.cancelled_at = now
    counters.record_cancellation(registration, RegistrationState.WAITLISTED)
    audit.record(None, "registration.offer_expired", registration, event=event.slug)
    tell_registrant(registration, "event_waitlist_offer_expired")
