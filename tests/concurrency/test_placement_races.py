"""Simultaneous placements never put two startups on one stand or one pitch of a slot.

Staff save placements at the same instant against real server processes (gunicorn, on the
suite's database). The guard is the slot's lock with the check under it, and the unique
indexes of `placements` behind it. The control runs the same race without either.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import ApplicationState, Placement, utcnow
from tests.concurrency.test_seat_races import Session, fire_together
from tests.support import UNGUARDED_APP, gunicorn_server

pytestmark = pytest.mark.slow
INDEXES = {
    "uq_placements_one_per_stand": "slot_id, stand_id",
    "uq_placements_one_per_pitch": "slot_id, pitch_number",
}


def scheduled_slot(make):
    starts_at = (utcnow() + timedelta(days=20)).replace(hour=14, minute=0, second=0, microsecond=0)
    return make.slot(seats=8, starts_at=starts_at, first_pitch_at=starts_at, pitch_minutes=5)


def place(staff: Session, slot_id: int, application_id: int, stand_id="", pitch=""):
    return lambda: staff.request(
        "POST",
        f"/staff/showcase/slots/{slot_id}/programme/place/{application_id}",
        {"stand_id": stand_id, "pitch_number": pitch},
        htmx=True,
    )


def on(app, slot_id: int, **where) -> int:
    """How many placements of the slot have these values."""
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Placement)
            .where(
                Placement.slot_id == slot_id,
                *(getattr(Placement, name) == value for name, value in where.items()),
            )
        )
        db.session.remove()
        return count


def test_simultaneous_placements_on_one_stand_and_one_pitch_give_each_once(make, app, database_url):
    staff_user = make.staff()
    slot = scheduled_slot(make)
    stand = make.stand(slot, "A1")
    seated = [make.application(slot, state=ApplicationState.ACCEPTED) for _ in range(8)]
    with gunicorn_server(database_url) as base_url:
        staff = Session(base_url).login(staff_user.email)
        on_stand = fire_together([place(staff, slot.id, a.id, stand_id=stand.id) for a in seated])
        holding_stand = on(app, slot.id, stand_id=stand.id)
        # The same race on a pitch (saving a pitch alone also clears a stand: one row each).
        on_pitch = fire_together([place(staff, slot.id, a.id, pitch=1) for a in seated])

    for answers in (on_stand, on_pitch):
        assert sorted(status for status, _ in answers) == [200] + [409] * 7
    assert holding_stand == 1
    assert on(app, slot.id, pitch_number=1) == 1


def test_simultaneous_assign_all_never_doubles_a_stand(make, app, database_url):
    staff_user = make.staff()
    slot = scheduled_slot(make)
    stands = [make.stand(slot) for _ in range(3)]
    seated = [make.application(slot, state=ApplicationState.ACCEPTED) for _ in range(5)]
    with gunicorn_server(database_url) as base_url:
        staff = Session(base_url).login(staff_user.email)
        answers = fire_together(
            [
                *[
                    lambda: staff.request(
                        "POST",
                        f"/staff/showcase/slots/{slot.id}/programme/place-all",
                        {"csrf_token": staff.token},
                    )
                    for _ in range(3)
                ],
                *[place(staff, slot.id, a.id, stand_id=stands[0].id, pitch=1) for a in seated],
            ]
        )

    assert all(status < 500 for status, _ in answers), [s for s, _ in answers]
    for stand in stands:
        assert on(app, slot.id, stand_id=stand.id) == 1
    for number in range(1, 6):
        assert on(app, slot.id, pitch_number=number) == 1


@pytest.fixture
def without_unique_indexes(app):
    """The control's database: the unique indexes of placements dropped, then restored."""
    with app.app_context(), db.engine.begin() as connection:
        for name in INDEXES:
            connection.execute(sa.text(f"DROP INDEX {name}"))
    yield
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.delete(Placement))
        for name, columns in INDEXES.items():
            connection.execute(sa.text(f"CREATE UNIQUE INDEX {name} ON placements ({columns})"))


def test_control_without_the_guard_two_startups_share_a_stand(
    make, app, database_url, without_unique_indexes
):
    """Proves the test above can fail: without the slot's lock, the check made in a
    transaction of its own and a pause before writing, and no unique index, one stand
    goes to several startups."""
    staff_user = make.staff()
    shared = []
    with gunicorn_server(database_url, app=UNGUARDED_APP, RACE_PAUSE="0.3") as base_url:
        staff = Session(base_url).login(staff_user.email)
        for _attempt in range(5):
            slot = scheduled_slot(make)
            stand = make.stand(slot)
            seated = [make.application(slot, state=ApplicationState.ACCEPTED) for _ in range(4)]
            answers = fire_together(
                [place(staff, slot.id, a.id, stand_id=stand.id) for a in seated]
            )
            assert all(status < 500 for status, _ in answers)
            shared.append(on(app, slot.id, stand_id=stand.id))
            if shared[-1] > 1:
                break
    print(f"control: startups on one stand per attempt: {shared}")
    assert max(shared) > 1, f"startups on one stand per attempt: {shared}"
