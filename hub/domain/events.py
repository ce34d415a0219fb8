"""Events: capacity and seats. (Proposals, co-hosts and registrations build on this.)"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from hub.extensions import db
from hub.models import Event, Registration, RegistrationState

# A person who came still holds the seat they booked.
SEAT_HOLDING_STATES = (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)


def seats_taken_by_event(event_ids: Iterable[int]) -> dict[int, int]:
    """Seats held per event, in one query, for the events given."""
    ids = list(event_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Registration.event_id, sa.func.count())
        .where(Registration.event_id.in_(ids), Registration.state.in_(SEAT_HOLDING_STATES))
        .group_by(Registration.event_id)
    )
    taken = dict.fromkeys(ids, 0)
    taken.update({event_id: count for event_id, count in rows})
    return taken


def seats_left(event: Event) -> int:
    """Seats still free for this event (never below zero)."""
    return max(event.capacity - seats_taken_by_event([event.id])[event.id], 0)
