"""seed-demo adds co-hosted events, upcoming and past, some nearly full, with a waiting list."""

from __future__ import annotations

import sqlalchemy as sa

from hub.demo import DEMO_EVENTS
from hub.domain.events.queries import seats_left
from hub.extensions import db
from hub.models import (
    CoHostState,
    Event,
    EventHost,
    EventMessage,
    EventState,
    Registration,
    RegistrationState,
    Venue,
)

DEMO_SLUGS = {row[0] for row in DEMO_EVENTS}


def test_seed_demo_adds_events_once(app, runner):
    for _run in range(2):
        with app.app_context():
            result = runner.invoke(args=["seed-demo"])
            assert result.exit_code == 0, result.output
    with app.app_context():
        every_event = db.session.scalars(sa.select(Event).order_by(Event.starts_at)).all()
        events = [event for event in every_event if event.slug in DEMO_SLUGS]
        assert len(events) == len(DEMO_SLUGS)
        assert {event.state for event in events} == {EventState.PUBLISHED, EventState.PROPOSED}
        upcoming = [
            e for e in events if e.state == EventState.PUBLISHED and e.starts_at > e.created_at
        ]
        assert any(seats_left(e) in (1, 2) for e in upcoming)  # nearly full
        waiting = db.session.scalar(
            sa.select(sa.func.count()).where(
                Registration.state == RegistrationState.WAITLISTED,
                Registration.event_id.in_([event.id for event in events]),
            )
        )
        assert waiting == 4
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(EventHost.state == CoHostState.ACCEPTED)
            )
            >= 5
        )
        attended = db.session.scalar(
            sa.select(sa.func.count()).where(Registration.state == RegistrationState.ATTENDED)
        )
        assert attended > 0
        published = [e for e in every_event if e.state == EventState.PUBLISHED]
        for first in published:
            for second in published:
                if first.id < second.id and first.space_id == second.space_id:
                    assert first.ends_at <= second.starts_at or second.ends_at <= first.starts_at

        # Tomorrow's workshop has confirmed people the worker will remind; a past one's
        # hosts thanked those who came; every venue says how to get there.
        tomorrow = next(e for e in events if e.slug == "prendre-en-main-son-smartphone")
        assert seats_left(tomorrow) == 2
        [thanks] = db.session.scalars(sa.select(EventMessage)).all()
        assert (thanks.audience.value, thanks.recipients) == ("attended", 9)
        assert all(venue.access_notes for venue in db.session.scalars(sa.select(Venue)))


def test_seed_demo_shows_registration_questions_news_and_erased_registrations(app, runner):
    from hub.models import RegistrationAnswer, RegistrationQuestion

    with app.app_context():
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        questions = db.session.scalars(sa.select(RegistrationQuestion.label)).all()
        assert len(questions) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RegistrationAnswer)) > 0
        assert db.session.scalar(sa.select(sa.func.count()).where(Registration.wants_news)) > 0
        erased = db.session.scalar(
            sa.select(sa.func.count()).where(Registration.erased_at.is_not(None))
        )
        assert erased > 0  # the year's events older than the retention period
