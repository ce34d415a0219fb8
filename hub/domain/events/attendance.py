"""At the door and after: the attendee list, check-in, the CSV export."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain import audit, like, locks
from hub.domain.accounts.queries import normalise_email
from hub.domain.errors import Conflict, DomainError, NotFound
from hub.domain.events.feedback import request_feedback
from hub.domain.events.permissions import can_manage_event
from hub.domain.events.queries import live_registration_for
from hub.domain.figures import counters
from hub.extensions import db
from hub.models import Event, EventState, Registration, RegistrationState, Space, User, utcnow


def attendees(event: Event, search: str = "", state: RegistrationState | None = None) -> sa.Select:
    """The event's registrations for its hosts, by name, filtered by name/email and state."""
    query = sa.select(Registration).where(Registration.event_id == event.id)
    if search:
        query = query.where(
            sa.or_(
                like.contains(Registration.name, search), like.contains(Registration.email, search)
            )
        )
    if state is not None:
        query = query.where(Registration.state == state)
    return query.order_by(Registration.name, Registration.id)


def registration_of(event: Event, registration_id: int) -> Registration:
    """One registration of this event; NotFound for any other."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound(_l("This registration does not exist."))
    return registration


def registration_for_code(user: User, code: str) -> Registration | None:
    """The registration a scanned or typed check-in code names, if the person manages it.

    A scanned code is the whole check-in address; a typed one is the code alone, in any case,
    with or without spaces. The private token, which QR codes sent before check-in codes
    carried, is still recognised at the door.
    """
    typed = code.strip().rsplit("code=", 1)[-1].split("&")[0].strip()
    if not typed:
        return None
    check_in_code = "".join(typed.split()).replace("-", "").upper()
    registration = db.session.scalar(
        sa.select(Registration).where(
            sa.or_(Registration.check_in_code == check_in_code, Registration.token == typed)
        )
    )
    if registration is None or not can_manage_event(user, registration.event):
        return None
    return registration


def check_in(actor: User, registration: Registration) -> bool:
    """Mark a confirmed person as attended. Returns False if they were already checked in.

    They are asked how it went by an email sent after the event (feedback.request_feedback).
    """
    if not can_manage_event(actor, registration.event):
        raise NotFound(_l("This registration does not exist."))
    # Under the event's lock: two doors scanning one code count one check-in.
    locks.lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.state == RegistrationState.ATTENDED:
        return False
    if registration.state != RegistrationState.CONFIRMED:
        raise Conflict(_l("%(name)s has no confirmed seat for this event.", name=registration.name))
    registration.state = RegistrationState.ATTENDED
    registration.attended_at = utcnow()
    counters.record_check_in(registration)
    request_feedback(registration)
    audit.record(actor, "registration.attended", registration)
    return True


def add_walk_in(
    actor: User, event: Event, name: str, email: str = "", exceed_capacity: bool = False
) -> Registration:
    """Someone turned up without registering: the hosts add them, counted as attended.

    Within the seats left, unless the host ticks "exceed the capacity" (never beyond what
    the room holds). The email is optional; given, it receives the feedback request like
    any attendee's, and must not be registered already (check that person in instead).
    """
    if not can_manage_event(actor, event):
        raise NotFound(_l("This event does not exist."))
    name = name.strip()
    email = normalise_email(email) if email and email.strip() else ""
    if not name:
        raise DomainError(_l("Tell us their name."), field="name")
    event = locks.lock_event(event.id)
    if event.state != EventState.PUBLISHED:
        raise Conflict(_l("Only a published event takes people at the door."))
    if email and live_registration_for(event.id, email) is not None:
        raise DomainError(
            _l("This email is already registered: check the person in from the list."),
            field="email",
        )
    taken = locks.event_seats_taken(event.id)
    if taken >= event.capacity and not exceed_capacity:
        raise DomainError(
            _l(
                "All %(capacity)d seats are taken. Tick the box to let them in all the same.",
                capacity=event.capacity,
            ),
            field="exceed_capacity",
        )
    room = db.session.get(Space, event.space_id)
    if taken >= room.capacity:
        raise Conflict(
            _l(
                "The room holds %(capacity)d people: nobody more can come in.",
                capacity=room.capacity,
            )
        )
    now = utcnow()
    registration = Registration(
        event_id=event.id,
        name=name[:120],
        email=email,
        consent=False,
        locale=event.language,
        state=RegistrationState.CONFIRMED,
        token=secrets.token_urlsafe(32),
        confirmed_at=now,
        walk_in=True,
    )
    db.session.add(registration)
    db.session.flush()
    counters.record_registration(registration)
    registration.state = RegistrationState.ATTENDED
    registration.attended_at = now
    counters.record_check_in(registration)
    if email:
        request_feedback(registration)
    audit.record(actor, "registration.walk_in", registration, over_capacity=taken >= event.capacity)
    return registration


def attendee_list(event: Event) -> list[Registration]:
    """Everyone registered for the event, in the order they registered (for downloads)."""
    return list(db.session.scalars(attendees(event).order_by(None).order_by(Registration.id)))
