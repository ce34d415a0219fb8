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


def test_seed_demo_has_an_event_that_offers_a_freed_seat(app, runner):
    from hub.demo import OFFERING_EVENT

    with app.app_context():
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        event = db.session.scalar(sa.select(Event).where(Event.slug == OFFERING_EVENT))
        offers = db.session.scalars(
            sa.select(Registration).where(
                Registration.event_id == event.id, Registration.offer_expires_at.is_not(None)
            )
        ).all()
        assert event.offer_hours == 24
        assert [r.holds_offer for r in offers] == [True]
        assert seats_left(event) == 0


def test_seed_demo_has_people_added_at_the_door(app, runner):
    from hub.demo import WALK_IN_EVENT

    with app.app_context():
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        walk_ins = db.session.scalars(
            sa.select(Registration)
            .join(Event)
            .where(Event.slug == WALK_IN_EVENT, Registration.walk_in.is_(True))
            .order_by(Registration.id)
        ).all()
        assert [(r.email, r.state) for r in walk_ins] == [
            ("", RegistrationState.ATTENDED),
            ("hugo.vidal@exemple.fr", RegistrationState.ATTENDED),
        ]


def test_seed_demo_has_a_group_registration(app, runner):
    from hub.demo import GROUP_EVENT

    with app.app_context():
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        event = db.session.scalar(sa.select(Event).where(Event.slug == GROUP_EVENT))
        groups = db.session.scalars(
            sa.select(Registration).where(
                Registration.event_id == event.id, Registration.places > 1
            )
        ).all()
        assert event.max_places == 3
        assert [(r.places, r.companion_names) for r in groups] == [
            (3, ["Jeanne Roux", "Marcel Roux"])
        ]
        assert seats_left(event) == 14 - 5 - 2  # five registrations, one of three places


def test_seed_demo_has_a_weekly_series_and_a_course_with_bookings(app, runner, client):
    from hub.demo import DEMO_COURSE, DEMO_SERIES
    from hub.models import EventSeries

    with app.app_context():
        for _run in range(2):
            assert runner.invoke(args=["seed-demo"]).exit_code == 0
        weekly = db.session.scalar(sa.select(EventSeries).where(EventSeries.slug == DEMO_SERIES))
        course = db.session.scalar(sa.select(EventSeries).where(EventSeries.slug == DEMO_COURSE))
        assert (len(weekly.events), weekly.is_course) == (8, False)
        assert (len(course.events), course.is_course) == (4, True)
        assert [seats_left(event) for event in course.events] == [0, 0, 0, 0]
        waiting = db.session.scalar(
            sa.select(sa.func.count()).where(
                Registration.event_id.in_([e.id for e in course.events]),
                Registration.state == RegistrationState.WAITLISTED,
            )
        )
        assert waiting == 2 * 4
    assert "places restantes" in client.get(f"/series/{DEMO_SERIES}").get_data(as_text=True)
    assert "Complet" in client.get(f"/series/{DEMO_COURSE}").get_data(as_text=True)


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
