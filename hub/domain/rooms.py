"""Rooms: the spaces of the venues, and their bookings: two published events, or an event
and a demo slot, never overlap in one space."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub import dates
from hub.domain import locks
from hub.domain.errors import Conflict
from hub.extensions import db
from hub.models import Event, Space, Venue


def venues() -> list[Venue]:
    return list(db.session.scalars(sa.select(Venue).order_by(Venue.city)))


def space_choices(with_capacity: bool = False) -> list[tuple[int, str]]:
    """Every space, as forms list them: "Saint-Étienne — Salle Jacquard (16)"."""
    rows = db.session.execute(
        sa.select(Space, Venue).join(Space.venue).order_by(Venue.city, Space.name)
    )
    return [
        (
            space.id,
            f"{venue.city} — {space.name}" + (f" ({space.capacity})" if with_capacity else ""),
        )
        for space, venue in rows
    ]


def ensure_space_free(
    space_id: int,
    starts_at: datetime,
    ends_at: datetime,
    *,
    ignore_event_id: int | None = None,
    ignore_slot_id: int | None = None,
    field: str | None = None,
) -> None:
    """Raise Conflict naming the other booking if the space is taken at that time (beside
    the form's `field`, when given).

    Call it inside the transaction that publishes the event or slot: it locks the space
    first, so two simultaneous publications cannot both pass the check.
    """
    locks.lock_space(space_id)
    booking = locks.booking_in_space(
        space_id,
        starts_at,
        ends_at,
        ignore_event_id=ignore_event_id,
        ignore_slot_id=ignore_slot_id,
    )
    if booking is None:
        return
    venue = booking.space.venue
    start = dates.datetime_text(booking.starts_at, "short", venue)
    end = dates.datetime_text(booking.ends_at, "short", venue)
    if isinstance(booking, Event):
        raise Conflict(
            _l(
                "The room is already booked for “%(title)s” from %(start)s to %(end)s.",
                title=booking.title,
                start=start,
                end=end,
            ),
            field=field,
        )
    raise Conflict(
        _l(
            "The room is booked for the demo slot “%(theme)s” from %(start)s to %(end)s.",
            theme=booking.theme,
            start=start,
            end=end,
        ),
        field=field,
    )
