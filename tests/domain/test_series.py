"""Series from a rule or a list of dates; courses booked as a whole, all sessions or none."""

from __future__ import annotations

from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from hub.domain.errors import Conflict, DomainError
from hub.domain.events import proposals, registrations, series
from hub.extensions import db
from hub.models import Event, EventSeries, EventState, Registration, RegistrationState, utcnow
from hub.timezones import in_zone
from tests.support import emails


def details(space, capacity=10, title="Bureautique pas à pas"):
    return proposals.EventDetails(
        title=title, description="Huit séances pour **débuter**.", kind="training",
        audience="residents", language="fr", space_id=space.id, starts_at=None, ends_at=None,
        capacity=capacity,
    )  # fmt: skip


def next_tuesday() -> date:
    today = utcnow().date()
    return today + timedelta(days=(1 - today.weekday()) % 7 or 7)


def weekly(weeks=8):
    return series.SeriesRule(
        starts=time(14, 0), ends=time(16, 0), first_date=next_tuesday(), weeks=weeks
    )


def make_course(make, capacities=(2, 2, 1), staff=None):
    staff = staff or make.staff()
    space = make.space(capacity=10)
    rule = series.SeriesRule(
        starts=time(14), ends=time(16),
        dates=tuple(next_tuesday() + timedelta(weeks=w) for w in range(len(capacities))),
    )  # fmt: skip
    course = series.create_series(staff, details(space), rule, is_course=True)
    for event, capacity in zip(course.events, capacities, strict=True):
        event.capacity = capacity
    db.session.commit()
    return course


def book(course, name):
    outcome = series.register_for_course(
        db.session.get(EventSeries, course.id), name, f"{name.lower()}@example.org", True, "fr"
    )
    db.session.commit()
    return outcome


def test_staff_make_one_published_event_per_tuesday(app, ctx, make):
    staff = make.staff()
    space = make.space()
    made = series.create_series(staff, details(space), weekly(8))
    db.session.commit()

    assert len(made.events) == 8
    venue = space.venue
    local = [in_zone(e.starts_at, venue) for e in made.events]
    assert [d.date() for d in local] == [next_tuesday() + timedelta(weeks=w) for w in range(8)]
    assert {(d.weekday(), d.hour, d.minute) for d in local} == {(1, 14, 0)}
    assert {e.state for e in made.events} == {EventState.PUBLISHED}
    assert len({e.slug for e in made.events}) == 8
    assert made.slug == "bureautique-pas-a-pas"


def test_a_partner_proposes_a_series_from_a_list_of_dates(app, ctx, make):
    member = make.user()
    partner = make.partner(owner=member)
    space = make.space()
    first = next_tuesday()
    rule = series.SeriesRule(
        starts=time(9, 30), ends=time(12), dates=(first + timedelta(days=9), first)
    )
    made = series.create_series(member, details(space), rule, organisation=partner)
    db.session.commit()
    assert [e.state for e in made.events] == [EventState.PROPOSED, EventState.PROPOSED]
    assert made.events[0].starts_at < made.events[1].starts_at


def test_a_clash_on_one_date_makes_no_date_at_all(app, ctx, make):
    staff = make.staff()
    space = make.space()
    second = next_tuesday() + timedelta(weeks=1)
    make.event(space, starts_at=in_zone(utcnow(), space.venue).replace(
        year=second.year, month=second.month, day=second.day, hour=15, minute=0, second=0,
        microsecond=0))  # fmt: skip
    with pytest.raises(Conflict):
        series.create_series(staff, details(space), weekly(3))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventSeries)) == 0


def test_a_rule_without_dates_is_refused_beside_the_field(app, ctx, make):
    with pytest.raises(DomainError) as refused:
        series.create_series(
            make.staff(), details(make.space()), series.SeriesRule(starts=time(14), ends=time(16))
        )
    assert refused.value.field == "dates"


def test_changing_all_future_dates_moves_each_and_tells_its_registrants(app, ctx, make):
    staff = make.staff()
    made = series.create_series(staff, details(make.space()), weekly(3))
    db.session.flush()
    second = SimpleNamespace(id=made.events[1].id)
    db.session.commit()  # nothing read stays open while the factory writes
    make.registration(second, email="ana@example.org")

    changed = series.update_future_dates(
        staff,
        db.session.get(EventSeries, made.id),
        series.SeriesChanges("Bureautique", "Nouveau programme.", 12, time(15), time(17)),
    )
    db.session.commit()

    assert changed == 3
    events = db.session.get(EventSeries, made.id).events
    assert {(e.title, e.capacity) for e in events} == {("Bureautique", 12)}
    assert {in_zone(e.starts_at, e.space.venue).hour for e in events} == {15}
    assert [m.kind for m in emails(app, recipient="ana@example.org")] == ["event_moved"]


def test_a_course_booking_is_confirmed_in_every_session_while_each_has_a_seat(app, ctx, make):
    course = make_course(make, capacities=(2, 2, 1))
    ana = book(course, "Ana")
    ben = book(course, "Ben")  # the third session had one seat: Ben waits in all three

    assert [r.state for r in ana.registrations] == [RegistrationState.CONFIRMED] * 3
    assert [r.state for r in ben.registrations] == [RegistrationState.WAITLISTED] * 3
    [mail] = emails(app, recipient="ana@example.org")
    assert mail.kind == "course_registration"
    assert all(f"/r/{r.token}" in mail.body_text for r in ana.registrations)
    assert book(course, "Ana").created is False


def test_a_course_session_is_not_registered_for_alone(app, ctx, make):
    course = make_course(make)
    with pytest.raises(Conflict):
        registrations.register_for_event(
            db.session.get(Event, course.events[0].id), "Zoé", "zoe@example.org", True, "fr"
        )


def test_cancelling_one_session_cancels_the_booking_and_promotes_the_next_as_a_whole(
    app, ctx, make
):
    course = make_course(make, capacities=(2, 2, 1))
    ana = book(course, "Ana")
    ben = book(course, "Ben")

    assert registrations.cancel_registration(ana.registrations[1]) is True
    db.session.commit()

    def state(email):
        rows = db.session.scalars(
            sa.select(Registration.state).where(Registration.email == email)
        ).all()
        return set(rows)

    assert state("ana@example.org") == {RegistrationState.CANCELLED}
    assert state("ben@example.org") == {RegistrationState.CONFIRMED}
    assert registrations.cancel_registration(ben.registrations[0]) is True
    assert registrations.cancel_registration(ben.registrations[0]) is False


def test_a_cancelled_course_booking_is_told_in_one_email_that_clears_every_session(app, ctx, make):
    course = make_course(make, capacities=(2, 2, 2))
    ana = book(course, "Ana")
    registrations.cancel_registration(ana.registrations[2])
    db.session.commit()

    [booked, cancelled] = emails(app, recipient="ana@example.org")
    assert (booked.kind, cancelled.kind) == ("course_registration", "course_registration_cancelled")
    assert cancelled.subject == "Réservation du parcours annulée\u00a0: Bureautique pas à pas"
    assert cancelled.body_text.count("\n- ") == 3
    sessions = sorted(course.events, key=lambda event: event.starts_at)
    assert [a["filename"] for a in cancelled.attachments] == [f"{e.slug}.ics" for e in sessions]
    assert all("METHOD:CANCEL" in a["content"] for a in cancelled.attachments)
    assert all("STATUS:CANCELLED" in a["content"] for a in cancelled.attachments)


def test_more_seats_on_every_future_date_move_a_waiting_course_booking_up_as_a_whole(
    app, ctx, make
):
    staff = make.staff()
    course = make_course(make, capacities=(1, 1, 1), staff=staff)
    book(course, "Ana")
    ben = book(course, "Ben")
    assert not ben.confirmed

    series.update_future_dates(
        staff,
        db.session.get(EventSeries, course.id),
        series.SeriesChanges("Parcours", "Quatre séances.", 2, time(14), time(16)),
    )
    db.session.commit()
    states = db.session.scalars(
        sa.select(Registration.state).where(Registration.email == "ben@example.org")
    ).all()
    assert states == [RegistrationState.CONFIRMED] * 3
    assert [m.kind for m in emails(app, recipient="ben@example.org")][-1] == "course_registration"
