"""Bulk decisions taken at the same moment by several staff members never overbook a slot:
each application goes through the one decision function, under the slot's lock (the
control of that lock is tests/concurrency/test_seat_races.py)."""

from __future__ import annotations

import pytest

from tests.concurrency.test_seat_races import Session, fire_together, holding_seats
from tests.support import gunicorn_server

pytestmark = pytest.mark.slow


def test_simultaneous_bulk_accepts_fill_exactly_the_seats(make, app, database_url):
    seats = 3
    reviewers = [make.staff(email=f"staff{i}@example.org") for i in range(3)]
    slot = make.slot(seats=seats)
    applications = [make.application(slot) for _ in range(9)]
    ids = [str(a.id) for a in applications]
    with gunicorn_server(database_url) as base_url:
        sessions = [Session(base_url).login(reviewer.email) for reviewer in reviewers]

        def bulk(session: Session, chosen: list[str]):
            return lambda: session.request(
                "POST",
                "/staff/showcase/applications/bulk",
                [
                    ("csrf_token", session.token),
                    ("decision", "accept"),
                    *[("application", application_id) for application_id in chosen],
                ],
            )

        # Overlapping selections, and one reviewer clicking twice.
        answers = fire_together(
            [
                bulk(sessions[0], ids[:6]),
                bulk(sessions[0], ids[:6]),
                bulk(sessions[1], ids[3:]),
                bulk(sessions[2], ids[::2]),
            ]
        )

    assert [status for status, _ in answers] == [303] * 4
    assert holding_seats(app, slot.id) == seats
