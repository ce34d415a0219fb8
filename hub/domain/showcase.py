"""Demo slots: seats held by startups. (Applications and their transitions build on this.)"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from hub.extensions import db
from hub.models import Application, ApplicationState, ShowcaseSlot

# Accepted and confirmed applications hold a startup seat; together they never exceed it.
SEAT_HOLDING_STATES = (ApplicationState.ACCEPTED, ApplicationState.CONFIRMED)


def seats_taken_by_slot(slot_ids: Iterable[int]) -> dict[int, int]:
    """Startup seats held per slot, in one query."""
    ids = list(slot_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Application.slot_id, sa.func.count())
        .where(Application.slot_id.in_(ids), Application.state.in_(SEAT_HOLDING_STATES))
        .group_by(Application.slot_id)
    )
    taken = dict.fromkeys(ids, 0)
    taken.update({slot_id: count for slot_id, count in rows})
    return taken


def seats_left(slot: ShowcaseSlot) -> int:
    return max(slot.seats - seats_taken_by_slot([slot.id])[slot.id], 0)
