"""Locks and seat counts: the reads whose answer must still hold when the transaction commits.

Seats (an event's capacity, a demo slot's startup seats) and rooms are enforced by taking
the row lock of the event, slot or space first and counting under it: SELECT … FOR UPDATE
on PostgreSQL; on SQLite a write transaction already holds the database's write lock from
its BEGIN IMMEDIATE (hub/database.py). Two simultaneous requests therefore queue up instead
of both taking the last seat or the same room.

Domain code calls these as module attributes (`locks.lock_event(...)`), never imports the
functions themselves, so that the concurrency tests' control can swap them for the
read-then-write versions the locks exist to prevent (tests/concurrency/unguarded_wsgi.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache

import sqlalchemy as sa

from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    Event,
    EventSeries,
    EventState,
    Placement,
    Registration,
    RegistrationState,
    ShowcaseSlot,
    SlotStatus,
    Space,
)

# A person who came still holds the seat they booked.
EVENT_SEAT_STATES = (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)
# Accepted and confirmed applications hold a startup seat; together they never exceed it.
SLOT_SEAT_STATES = (ApplicationState.ACCEPTED, ApplicationState.CONFIRMED)


def _locked(model, row_id: int):
    return db.session.scalar(
        sa.select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def lock_event(event_id: int) -> Event | None:
    """Lock the event's row until the transaction ends, and read it afresh."""
    return _locked(Event, event_id)


def lock_series(series_id: int) -> EventSeries | None:
    """Lock a series' row: a course's bookings take it before its sessions' rows (in id
    order), so that two bookings of the whole course never wait on each other crosswise."""
    return _locked(EventSeries, series_id)


def lock_slot(slot_id: int) -> ShowcaseSlot | None:
    """Lock the demo slot's row until the transaction ends, and read it afresh."""
    return _locked(ShowcaseSlot, slot_id)


def lock_space(space_id: int) -> Space | None:
    """Lock the space's row until the transaction ends, so bookings of it queue up."""
    return _locked(Space, space_id)


def holds_event_seat() -> sa.ColumnElement[bool]:
    """A registration holding a seat: confirmed, attended, or a seat offered and unanswered
    (the offer keeps the seat until its deadline, so nobody else can take it meanwhile)."""
    return sa.or_(
        Registration.state.in_(EVENT_SEAT_STATES),
        sa.and_(
            Registration.state == RegistrationState.WAITLISTED,
            Registration.offer_expires_at.is_not(None),
        ),
    )


def seats_taken_by_event(event_ids: Iterable[int]) -> dict[int, int]:
    """Seats held per event, in one query (for display; under a lock to decide): a group
    registration holds one seat per place."""
    return _count_by(_seats_by_event(), event_ids)


def seats_taken_by_slot(slot_ids: Iterable[int]) -> dict[int, int]:
    """Startup seats held per demo slot, in one query."""
    return _count_by(_seats_by_slot(), slot_ids)


@cache  # built once: every event page counts its seats
def _seats_by_event() -> sa.Select:
    return (
        sa.select(Registration.event_id, sa.func.sum(Registration.places))
        .where(Registration.event_id.in_(sa.bindparam("ids", expanding=True)), holds_event_seat())
        .group_by(Registration.event_id)
    )


@cache
def _seats_by_slot() -> sa.Select:
    return (
        sa.select(Application.slot_id, sa.func.count())
        .where(
            Application.slot_id.in_(sa.bindparam("ids", expanding=True)),
            Application.state.in_(SLOT_SEAT_STATES),
        )
        .group_by(Application.slot_id)
    )


def _count_by(query: sa.Select, ids: Iterable[int]) -> dict[int, int]:
    ids = list(ids)
    if not ids:
        return {}
    taken = dict.fromkeys(ids, 0)
    taken.update(dict(db.session.execute(query, {"ids": ids}).all()))
    return taken


def event_seats_taken(event_id: int) -> int:
    """Seats held in the event, counted after lock_event(): the count a write relies on."""
    return seats_taken_by_event([event_id])[event_id]


def slot_seats_taken(slot_id: int) -> int:
    """Startup seats held in the slot, counted after lock_slot(): the count a write relies on."""
    return seats_taken_by_slot([slot_id])[slot_id]


def booking_in_space(
    space_id: int,
    starts_at: datetime,
    ends_at: datetime,
    *,
    ignore_event_id: int | None = None,
    ignore_slot_id: int | None = None,
) -> Event | ShowcaseSlot | None:
    """The published event, or the demo slot, that holds the space at that time, if any.

    Called after lock_space(): no other booking of the space can be written meanwhile.
    """
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
        return event
    return db.session.scalar(
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


def placement_holding(
    slot_id: int, *, stand_id: int | None, pitch_number: int | None, ignore_application_id: int
) -> Placement | None:
    """Another application's placement on that stand or pitch of the slot, if any.

    Called after lock_slot(); the unique indexes of `placements` refuse what slips past.
    """
    taken = []
    if stand_id is not None:
        taken.append(Placement.stand_id == stand_id)
    if pitch_number is not None:
        taken.append(Placement.pitch_number == pitch_number)
    if not taken:
        return None
    return db.session.scalar(
        sa.select(Placement)
        .where(
            Placement.slot_id == slot_id,
            Placement.application_id != ignore_application_id,
            sa.or_(*taken),
        )
        .limit(1)
    )
