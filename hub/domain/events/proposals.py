"""Proposals: partners propose events, staff create them directly; both edit them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from hub.domain import audit, locks
from hub.domain.errors import DomainError, NotAllowed
from hub.domain.events.permissions import can_edit_event, member_organisation_ids
from hub.domain.events.queries import live_registrations
from hub.domain.events.registrations import promote_from_waitlist, tell_registrant
from hub.domain.figures import counters
from hub.domain.rooms import ensure_space_free
from hub.domain.slugs import unique_slug
from hub.extensions import db
from hub.models import Event, EventState, Organisation, OrganisationKind, Space, User, utcnow

MAX_OFFER_HOURS = 168
MAX_PLACES = 20


@dataclass
class EventDetails:
    """What a partner or the staff fill in for an event."""

    title: str
    description: str
    kind: str
    audience: str
    language: str
    space_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    # None: a freed seat goes at once to the next person waiting; hours: it is offered.
    offer_hours: int | None = None
    # Places one person may book at once (themself and others they name).
    max_places: int = 1

    @classmethod
    def of(cls, event: Event, **changes) -> EventDetails:
        """The event's details as they stand, with `changes` (to edit one or two of them)."""
        return cls(**{field.name: getattr(event, field.name) for field in fields(cls)} | changes)


def _check_details(details: EventDetails, *, new: bool) -> Space:
    space = db.session.get(Space, details.space_id)
    if space is None:
        raise DomainError(_l("Choose a room."), field="space_id")
    if details.ends_at <= details.starts_at:
        raise DomainError(_l("The event must end after it starts."), field="ends_at")
    if new and details.starts_at <= utcnow():
        raise DomainError(_l("The event must start in the future."), field="starts_at")
    if details.capacity < 1:
        raise DomainError(_l("Offer at least one seat."), field="capacity")
    if details.offer_hours is not None and not 1 <= details.offer_hours <= MAX_OFFER_HOURS:
        raise DomainError(
            _l("Give between 1 and %(hours)d hours to answer.", hours=MAX_OFFER_HOURS),
            field="offer_hours",
        )
    if not 1 <= details.max_places <= min(MAX_PLACES, details.capacity):
        raise DomainError(
            _l(
                "Between 1 and %(most)d places per registration.",
                most=min(MAX_PLACES, details.capacity),
            ),
            field="max_places",
        )
    if details.capacity > space.capacity:
        raise DomainError(
            lazy_ngettext(
                "This room holds %(num)d person at most.",
                "This room holds %(num)d people at most.",
                space.capacity,
            ),
            field="capacity",
        )
    opens, closes = details.registration_opens_at, details.registration_closes_at
    if opens and closes and closes <= opens:
        raise DomainError(
            _l("Registrations must close after they open."), field="registration_closes_at"
        )
    if closes and closes > details.ends_at:
        raise DomainError(
            _l("Registrations must close before the event ends."),
            field="registration_closes_at",
        )
    if opens and opens >= details.ends_at:
        raise DomainError(
            _l("Registrations must open before the event ends."), field="registration_opens_at"
        )
    return space


def _apply(event: Event, details: EventDetails) -> None:
    event.title = details.title.strip()
    event.description = details.description.strip()
    for name in (
        "kind", "audience", "language", "space_id", "starts_at", "ends_at", "capacity",
        "registration_opens_at", "registration_closes_at", "offer_hours", "max_places",
    ):  # fmt: skip
        setattr(event, name, getattr(details, name))


def _new_event(actor: User, details: EventDetails, organisation: Organisation | None, **state):
    event = Event(
        slug=unique_slug(Event.slug, f"{details.title} {details.starts_at:%Y-%m-%d}", 150),
        organisation_id=organisation.id if organisation else None,
        created_by_id=actor.id,
        **state,
    )
    _apply(event, details)
    db.session.add(event)
    return event


def propose_event(actor: User, organisation: Organisation, details: EventDetails) -> Event:
    """A member of a verified partner proposes an event; staff review it. A room already
    booked at that time is refused now, naming the booking, beside the room field."""
    if (
        organisation.kind != OrganisationKind.PARTNER
        or not organisation.is_verified
        or organisation.id not in member_organisation_ids(actor)
    ):
        raise NotAllowed(
            _l("Only members of a verified partner can propose events."), field="organisation"
        )
    _check_details(details, new=True)
    # Staff could not publish it: the partner hears of the clash now, beside the room.
    ensure_space_free(details.space_id, details.starts_at, details.ends_at, field="space_id")
    event = _new_event(actor, details, organisation, state=EventState.PROPOSED)
    audit.record(actor, "event.proposed", event, title=event.title, organisation=organisation.slug)
    return event


def create_event_as_staff(
    actor: User, details: EventDetails, organisation: Organisation | None = None
) -> Event:
    """Staff create an event directly: it is published at once, if the room is free."""
    if not actor.is_staff:
        raise NotAllowed(_l("Only the venue team can create events directly."))
    if organisation is not None and (
        organisation.kind != OrganisationKind.PARTNER or not organisation.is_verified
    ):
        raise DomainError(_l("Choose a verified partner."), field="organisation")
    _check_details(details, new=True)
    ensure_space_free(details.space_id, details.starts_at, details.ends_at, field="space_id")
    event = _new_event(
        actor, details, organisation, state=EventState.PUBLISHED, published_at=utcnow()
    )
    db.session.flush()
    counters.record_event(event)
    audit.record(actor, "event.created", event, title=event.title, state=event.state)
    return event


def update_event(actor: User, event: Event, details: EventDetails) -> Event:
    """Edit a proposal (its partner or staff), or a published event (staff only).

    Editing a proposal or moving a published event checks the room; raising the capacity
    confirms people from the waiting list, and the registrants are told of a new time or room.
    """
    if not can_edit_event(actor, event):
        raise NotAllowed(_l("This event can no longer be changed."))
    _check_details(details, new=False)
    moved = False
    if event.state == EventState.PUBLISHED:
        locks.lock_event(event.id)
        taken = locks.event_seats_taken(event.id)
        if details.capacity < taken:
            raise DomainError(
                lazy_ngettext(
                    "%(num)d person already holds a seat: the capacity cannot go below that.",
                    "%(num)d people already hold a seat: the capacity cannot go below that.",
                    taken,
                ),
                field="capacity",
            )
        moved = (details.space_id, details.starts_at, details.ends_at) != (
            event.space_id,
            event.starts_at,
            event.ends_at,
        )
    if moved or event.state != EventState.PUBLISHED:
        ensure_space_free(
            details.space_id,
            details.starts_at,
            details.ends_at,
            ignore_event_id=event.id,
            field="space_id",
        )
    before = {"starts_at": event.starts_at, "space_id": event.space_id, "capacity": event.capacity}
    _apply(event, details)
    db.session.flush()
    audit.record(actor, "event.updated", event, before=before, moved=moved)
    if event.state == EventState.PUBLISHED:
        counters.record_event(event)
        if moved:
            for registration in live_registrations(event, waitlisted=True):
                tell_registrant(registration, "event_moved")
        promote_from_waitlist(event, actor)
    return event


def set_picture(
    actor: User, event: Event, image: str | None, alt: str, *, replace: bool
) -> str | None:
    """Describe the event's picture and, if `replace`, put `image` (None: no picture) in place.

    Whoever may edit the event may change its picture. Returns the name of the file replaced
    or removed (to delete once the change is stored), or None.
    """
    if not can_edit_event(actor, event):
        raise NotAllowed(_l("This event can no longer be changed."))
    values = {"image_alt": (alt or "").strip()[:300]}
    if replace:
        values["image"] = image
    previous = event.image
    changed = audit.apply_changes(actor, "event.picture_changed", event, values)
    return previous if "image" in changed else None
