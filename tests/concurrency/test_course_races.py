"""Simultaneous bookings of a whole course, on real server processes: each person holds a
seat in every session or waits in every session, and no session is overbooked.

The control runs the same bookings on the entry point without the locks and shows sessions
overbooked.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import time

import pytest
import sqlalchemy as sa

from hub.domain.events import series
from hub.extensions import db
from hub.models import Event, Registration, RegistrationState
from tests.concurrency.test_event_races import Browser, all_at_once
from tests.domain.test_series import details, next_tuesday
from tests.support import UNGUARDED_APP, gunicorn_server

pytestmark = pytest.mark.slow

CAPACITIES, PEOPLE = (3, 3, 2), 12


def a_course(app, make, round_: int = 0):
    staff = make.staff()
    space = make.space()
    with app.app_context():
        rule = series.SeriesRule(starts=time(14), ends=time(16), first_date=next_tuesday(),
                                 weeks=len(CAPACITIES))  # fmt: skip
        course = series.create_series(
            staff, details(space, title=f"Parcours {round_}"), rule, is_course=True
        )
        for event, capacity in zip(course.events, CAPACITIES, strict=True):
            event.capacity = capacity
        db.session.commit()
        return course.slug, [event.id for event in course.events]


def book_all_at_once(url: str, slug: str, round_: int = 0):
    browsers = []
    for index in range(PEOPLE):
        browser = Browser(url)
        browser.open_form(f"/series/{slug}/register")
        browsers.append((browser, f"person{index}.{round_}@example.org"))
    return all_at_once(
        [
            (lambda b=browser, e=email: b.post(
                f"/series/{slug}/register",
                {"name": e.split("@")[0], "email": e},
                htmx_target="course-registration",
            ))
            for browser, email in browsers
        ]
    )  # fmt: skip


def outcome(app, event_ids):
    """Seats held per session, and each person's set of states across the sessions."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.event_id, Registration.email, Registration.state).where(
                Registration.event_id.in_(event_ids)
            )
        ).all()
        capacities = dict(
            db.session.execute(
                sa.select(Event.id, Event.capacity).where(Event.id.in_(event_ids))
            ).all()
        )
        db.session.remove()
    held = {event_id: 0 for event_id in event_ids}
    per_person = defaultdict(list)
    for event_id, email, state in rows:
        held[event_id] += state == RegistrationState.CONFIRMED
        per_person[email].append(state)
    return held, capacities, per_person


def test_simultaneous_course_bookings_are_all_or_nothing_within_every_session(
    app, make, database_url
):
    slug, event_ids = a_course(app, make)
    with gunicorn_server(database_url, workers=2) as url:
        answers = book_all_at_once(url, slug)

    assert [status for status, _ in answers] == [200] * PEOPLE
    held, _capacities, per_person = outcome(app, event_ids)
    assert list(held.values()) == [2, 2, 2]  # the smallest session decides
    assert len(per_person) == PEOPLE
    assert all(len(states) == 3 and len(set(states)) == 1 for states in per_person.values())
    confirmed = [email for email, states in per_person.items() if states[0] == "confirmed"]
    assert len(confirmed) == 2


def test_control_without_the_locks_sessions_are_overbooked(app, make, database_url):
    over = []
    with gunicorn_server(database_url, workers=2, app=UNGUARDED_APP, RACE_PAUSE="0.2") as url:
        for round_ in range(3):
            slug, event_ids = a_course(app, make, round_ + 1)
            answers = book_all_at_once(url, slug, round_ + 1)
            assert all(status < 500 for status, _ in answers)
            held, capacities, _ = outcome(app, event_ids)
            over.append(max(held[e] - capacities[e] for e in event_ids))
            if over[-1] > 0:
                break
    print(f"control: seats over capacity in the fullest session, per round: {over}")
    assert max(over) > 0, over
