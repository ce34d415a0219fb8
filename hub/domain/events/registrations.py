"""Registrations: a seat while seats are left, else the waiting list; a private link to each.

Seats: confirmed (and attended) registrations never exceed the capacity. Every change of
seats happens with the event's row locked (hub/domain/locks.py), so two simultaneous
registrations queue up instead of both taking the last seat.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as ngettext
from sqlalchemy.exc import IntegrityError

from hub.domain import audit, locks, outbox
from hub.domain.accounts.queries import normalise_email
from hub.domain.errors import Conflict, DomainError, NotFound
from hub.domain.events.queries import live_registration_for, waitlist_position
from hub.domain.figures import counters
from hub.extensions import db
from hub.models import (
    AuditEntry,
    Event,
    EventState,
    Registration,
    RegistrationState,
    User,
    utcnow,
)
from hub.models.events import course_registrations

RESEND_INTERVAL = timedelta(minutes=10)


@dataclass
class RegistrationOutcome:
    registration: Registration
    created: bool  # False: this email already had a live registration


def registration_closed_reason(event: Event, now: datetime | None = None):
    """Why registration is not possible now, or None when it is open."""
    now = now or utcnow()
    if event.state == EventState.CANCELLED:
        return _l("This event is cancelled.")
    if event.state != EventState.PUBLISHED:
        return _l("Registrations are not open for this event.")
    if event.starts_at <= now:
        return _l("This event has started: registrations are closed.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _l("Registrations are not open yet.")
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _l("Registrations are closed.")
    return None


def register_for_event(
    event: Event,
    name: str,
    email: str,
    wants_news: bool,
    locale: str,
    user: User | None = None,
    companions: Sequence[str] = (),
) -> RegistrationOutcome:
    """Register a person: confirmed while seats are left, else on the waiting list.

    `companions`: the names of the others they book for, up to the event's `max_places`
    in all; every place needs a seat, and the group waits together or not at all.
    One live registration per email and event: a second attempt changes nothing and sends
    the private link again to that address (the answer reveals nothing else).
    `wants_news` is the person's optional consent to hear about future trainings.
    """
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise DomainError(_l("Tell us your name."), field="name")
    companions = [other.strip()[:120] for other in companions if other.strip()]
    places = 1 + len(companions)
    if places > event.max_places:
        raise DomainError(
            ngettext(
                "You may book %(num)d place for this event.",
                "You may book %(num)d places for this event, yourself included.",
                event.max_places,
            ),
            field="companions",
        )
    event_id = event.id
    event = locks.lock_event(event_id)
    if event is None:
        raise NotFound(_l("This event does not exist."))
    reason = registration_closed_reason(event)
    if reason is not None:
        raise Conflict(reason)
    if event.series is not None and event.series.is_course:
        raise Conflict(_l("This session is part of a course: register for the whole course."))
    existing = live_registration_for(event_id, email)
    if existing is not None:
        _resend_private_link(existing, user)
        return RegistrationOutcome(existing, created=False)
    capacity = event.capacity
    has_seat = locks.event_seats_taken(event_id) + places <= capacity
    state = RegistrationState.CONFIRMED if has_seat else RegistrationState.WAITLISTED
    registration = Registration(
        event_id=event_id,
        user_id=user.id if user is not None and getattr(user, "is_authenticated", False) else None,
        name=name[:120],
        email=email,
        wants_news=bool(wants_news),
        locale=locale,
        state=state,
        token=secrets.token_urlsafe(32),
        confirmed_at=utcnow() if has_seat else None,
        places=places,
        companions="\n".join(companions),
    )
    try:
        with db.session.begin_nested():
            db.session.add(registration)
    except IntegrityError:
        # The unique index is the last word on duplicates, whatever got past the lock.
        existing = live_registration_for(event_id, email)
        if existing is None:
            raise
        _resend_private_link(existing, user)
        return RegistrationOutcome(existing, created=False)
    counters.record_registration(registration)
    audit.record(user, f"registration.{state.value}", registration, event=event_id)
    if has_seat:
        tell_registrant(registration, "event_registration_confirmed", with_files=True)
    else:
        tell_registrant(
            registration, "event_registration_waitlisted", position=waitlist_position(registration)
        )
    return RegistrationOutcome(registration, created=True)


def _resend_private_link(registration: Registration, user: User | None) -> None:
    """Email the private link again, at most once per RESEND_INTERVAL per registration.

    Anyone can type an address into the public form: the pause keeps it from being used to
    flood that inbox, while the page still answers the same way.
    """
    recently = db.session.scalar(
        sa.select(
            sa.exists().where(
                AuditEntry.action == "registration.link_resent",
                AuditEntry.target_type == Registration.__tablename__,
                AuditEntry.target_id == registration.id,
                AuditEntry.created_at > utcnow() - RESEND_INTERVAL,
            )
        )
    )
    if recently:
        return
    tell_registrant(registration, "event_registration_reminder")
    audit.record(user, "registration.link_resent", registration)


def cancel_registration(registration: Registration, actor: User | None = None) -> bool:
    """Cancel a registration; a freed seat goes to the oldest waitlisted person.

    The person is told by email, with the cancellation for their calendar attached.
    Idempotent: cancelling a cancelled registration changes nothing and returns False.
    A registration booked with a whole course cancels the whole booking (series.py).
    """
    if registration.course is not None:
        from hub.domain.events.series import cancel_course_booking  # it builds on this module

        return cancel_course_booking(registration, actor)
    locks.lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.state == RegistrationState.CANCELLED:
        return False
    if registration.state == RegistrationState.ATTENDED:
        raise Conflict(_l("You came to this event: this registration can no longer be cancelled."))
    # A seat offered and not yet answered is held too: declining it passes it on.
    held_seat = registration.state == RegistrationState.CONFIRMED or registration.holds_offer
    previous = registration.state
    registration.state = RegistrationState.CANCELLED
    registration.cancelled_at = utcnow()
    registration.offer_expires_at = None
    db.session.flush()
    counters.record_cancellation(registration, previous)
    audit.record(actor, "registration.cancelled", registration, previous=previous)
    tell_registrant(registration, "event_registration_cancelled", with_files=True)
    if held_seat and registration.event.state == EventState.PUBLISHED:
        promote_from_waitlist(registration.event, actor)
    return True


def promote_from_waitlist(
    event: Event, actor: User | None = None, now: datetime | None = None
) -> list[Registration]:
    """Give free seats to the oldest waitlisted people, who are told by email: at once, or,
    if the event offers seats (`offer_hours`), as an offer to accept before a deadline.

    Call with the event's row locked (cancel_registration, update_event and the offers'
    expiry do): an offer holds its seat, so a seat is never offered to two people at once.
    """
    now = now or utcnow()
    free = event.capacity - locks.event_seats_taken(event.id)
    if free <= 0 or event.starts_at <= now:
        return []
    waiting = db.session.scalars(
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.state == RegistrationState.WAITLISTED,
            Registration.offer_expires_at.is_(None),
            # A course booking waits for a seat in every session (series.py).
            ~sa.exists().where(course_registrations.c.registration_id == Registration.id),
        )
        .order_by(Registration.id)
        .limit(free)
    )
    chosen = []
    for registration in waiting:
        # In order: a group at the head of the list waits until there is room for all of it.
        if registration.places > free:
            break
        free -= registration.places
        chosen.append(registration)
    for registration in chosen:
        if event.offers_seats:
            registration.offered_at = now
            registration.offer_expires_at = offer_deadline(event, now)
            audit.record(actor, "registration.offered", registration, event=event.slug)
            tell_registrant(registration, "event_waitlist_offer")
        else:
            registration.state = RegistrationState.CONFIRMED
            registration.confirmed_at = now
            counters.record_promotion(registration)
            audit.record(actor, "registration.promoted", registration, event=event.slug)
            tell_registrant(registration, "event_registration_promoted", with_files=True)
    db.session.flush()
    return chosen


def offer_deadline(event: Event, now: datetime) -> datetime:
    """Until when an offered seat waits for an answer: the event's `offer_hours`, but never
    more than half the time left before it starts, so the seat can still be passed on."""
    return now + min(timedelta(hours=event.offer_hours or 0), (event.starts_at - now) / 2)


def tell_registrant(
    registration: Registration, template: str, with_files: bool = False, **context
) -> None:
    """Email the person about their registration, with their private link.

    `with_files`: the calendar file and the check-in QR code are attached.
    """
    context.setdefault("position", waitlist_position(registration))
    outbox.queue(
        registration.email,
        template,
        registration.locale,
        registration=registration,
        event=registration.event,
        with_files=with_files,
        **context,
    )
