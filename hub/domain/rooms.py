"""Rooms: two published events, or an event and a showcase slot, never overlap in one space."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from hub.domain.errors import Conflict
from hub.extensions import db
from hub.models import Event, EventState, ShowcaseSlot, SlotStatus, Space


def lock_space(space_id: int) -> Space | None:
    """Lock the space's row until the transaction ends, so bookings of it queue up.

    PostgreSQL takes a row lock (SELECT … FOR UPDATE); SQLite write transactions already
    hold the database's write lock from their BEGIN IMMEDIATE.
    """
    return db.session.scalar(sa.select(Space).where(Space.id == space_id).with_for_update())


def ensure_space_free(
    space_id: int,
    starts_at: datetime,
    ends_at: datetime,
    *,
    ignore_event_id: int | None = None,
    ignore_slot_id: int | None = None,
) -> None:
    """Raise Conflict naming the other booking if the space is taken at that time.

    Call it inside the transaction that publishes the event or slot: it locks the space
    first, so two simultaneous publications cannot both pass the check.
    """
    lock_space(space_id)
    event = db.session.scalar(
        sa.select(Event)
        .where(
            Event.space_id == space_id,
            Event.state == EventState.PUBLISHED,
            Event.starts_at < ends_at,
            Event.ends_at > starts_at,
            Event.id != (ignore_event_id or 0),
        )
        .order_by(Event.starts_at)
        .limit(1)
    )
    if event is not None:
        raise Conflict(
            _l(
                "The room is already booked for “%(title)s” from %(start)s to %(end)s.",
                title=event.title,
                start=format_datetime(event.starts_at, "short"),
                end=format_datetime(event.ends_at, "short"),
            )
        )
    slot = db.session.scalar(
        sa.select(ShowcaseSlot)
        .where(
            ShowcaseSlot.space_id == space_id,
            ShowcaseSlot.status != SlotStatus.CANCELLED,
            ShowcaseSlot.starts_at < ends_at,
            ShowcaseSlot.ends_at > starts_at,
            ShowcaseSlot.id != (ignore_slot_id or 0),
        )
        .order_by(ShowcaseSlot.starts_at)
        .limit(1)
    )
    if slot is not None:
        raise Conflict(
            _l(
                "The room is booked for the demo slot “%(theme)s” from %(start)s to %(end)s.",
                theme=slot.theme,
                start=format_datetime(slot.starts_at, "short"),
                end=format_datetime(slot.ends_at, "short"),
            )
        )
