"""The app without its guards: the control of the concurrency tests.

gunicorn serves this entry point (`tests.concurrency.unguarded_wsgi:app`) only in the
controls. It replaces the functions of hub.domain.locks with what the locks exist to
prevent: rows read without a lock, and checks (seats taken, a booking of the room) made in
a transaction of their own that ends before the write, after a pause (RACE_PAUSE seconds)
that widens the window. The controls must then show the race; the guarded tests run the
production entry point, wsgi:app, unchanged.
"""

from __future__ import annotations

import os
import time

from hub import create_app
from hub.domain import locks
from hub.extensions import db
from hub.models import Event, EventSeries, ShowcaseSlot, Space

PAUSE = float(os.environ.get("RACE_PAUSE", "0.3"))


def _read_without_lock(model):
    def read(row_id: int):
        return db.session.get(model, row_id)

    return read


def _check_then_pause(check):
    def unguarded(*args, **kwargs):
        answer = check(*args, **kwargs)
        # A check made before writing, in its own transaction: others may act meanwhile.
        db.session.commit()
        time.sleep(PAUSE)
        return answer

    return unguarded


locks.lock_event = _read_without_lock(Event)
locks.lock_series = _read_without_lock(EventSeries)
locks.lock_slot = _read_without_lock(ShowcaseSlot)
locks.lock_space = _read_without_lock(Space)
locks.event_seats_taken = _check_then_pause(locks.event_seats_taken)
locks.slot_seats_taken = _check_then_pause(locks.slot_seats_taken)
locks.booking_in_space = _check_then_pause(locks.booking_in_space)
locks.placement_holding = _check_then_pause(locks.placement_holding)

app = create_app()
