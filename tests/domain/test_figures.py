"""Impact figures: kept counts against hand-computed expectations, and against the rows."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hub.domain.errors import Conflict, DomainError
from hub.domain.events import attendance, feedback, registrations
from hub.domain.figures import counters, people, queries
from hub.domain.figures.periods import Period, period_of
from hub.domain.innovations.featuring import register_interest
from hub.extensions import db
from hub.models import (
    ApplicationState,
    Audience,
    CoHostState,
    Event,
    EventFigures,
    EventKind,
    Feedback,
    Innovation,
    OutboxMessage,
    PeriodKind,
    Registration,
    RegistrationState,
    SlotStatus,
    utcnow,
)
from hub.models.figures import EVENT_COUNTS


@pytest.fixture
def staff(make):
    return make.staff()


def event_row(event_id: int) -> Event:
    return db.session.get(Event, event_id)


def register(event_id: int, *emails: str) -> list[Registration]:
    made = []
    for email in emails:
        outcome = registrations.register_for_event(
            event_row(event_id), email.split("@")[0].title(), email, True, "fr"
        )
        made.append(outcome.registration)
        db.session.commit()
    return made


def registration_of(email: str, event_id: int) -> Registration:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.email == email,
            Registration.event_id == event_id,
            Registration.state != RegistrationState.CANCELLED,
        )
    )


def cancel(email: str, event_id: int) -> None:
    registrations.cancel_registration(registration_of(email, event_id))
    db.session.commit()


def check_in(actor, email: str, event_id: int) -> None:
    attendance.check_in(db.session.get(type(actor), actor.id), registration_of(email, event_id))
    db.session.commit()


def kept(event_id: int) -> dict:
    figures = db.session.get(EventFigures, event_id)
    db.session.refresh(figures)
    return {name: getattr(figures, name) for name in EVENT_COUNTS}


def whole_period(*days: date) -> Period:
    return Period(PeriodKind.CUSTOM, min(days) - timedelta(days=1), max(days) + timedelta(days=1))


def after(event) -> datetime:
    return event.ends_at + timedelta(hours=1)


def move_to_the_past(event_id: int, days: int = 2) -> Event:
    """Put an event (which people registered for while it was ahead) in the past."""
    event = event_row(event_id)
    event.starts_at = utcnow() - timedelta(days=days)
    event.ends_at = event.starts_at + timedelta(hours=2)
    counters.record_event(event)
    db.session.commit()
    return event


# --- Counts kept at the time ------------------------------------------------------------------


def test_registrations_waitlist_promotion_cancellation_and_check_in_are_counted(make, ctx, staff):
    event = make.event(capacity=2)
    register(event.id, "ana@example.org", "ben@example.org", "cleo@example.org", "dan@example.org")
    cancel("ana@example.org", event.id)  # Cleo, first on the waiting list, gets the seat
    cancel("dan@example.org", event.id)  # leaves the waiting list
    check_in(staff, "ben@example.org", event.id)
    assert kept(event.id) == {
        "registrations": 4,
        "waitlisted": 2,  # Cleo and Dan joined it
        "promoted": 1,  # Cleo
        "cancelled": 2,
        "holding": 1,  # Cleo, not checked in (yet)
        "attended": 1,
        "returning_attendances": 0,
        "feedback_count": 0,
        "rating_sum": 0,
    }
    totals = queries.event_totals(
        queries.FigureFilters(whole_period(event.starts_at.date())), now=after(event)
    )
    assert (totals.events, totals.seats, totals.registrations) == (1, 2, 4)
    assert (totals.attended, totals.no_shows) == (1, 1)  # Cleo never came
    assert totals.attendance_rate == 0.5
    assert totals.no_show_rate == 0.5
    assert (totals.waitlisted, totals.promoted, totals.waitlist_seated_rate) == (2, 1, 0.5)
    assert (totals.people, totals.returning_people) == (1, 0)


def test_an_event_not_yet_started_is_upcoming_and_no_show_waits_for_its_end(make, ctx, staff):
    event = make.event(capacity=3)
    register(event.id, "ana@example.org", "ben@example.org")
    filters = queries.FigureFilters(whole_period(event.starts_at.date()))
    before = queries.event_totals(filters, now=event.starts_at - timedelta(minutes=1))
    assert (before.events, before.upcoming, before.registrations) == (0, 1, 0)
    during = queries.event_totals(filters, now=event.starts_at + timedelta(minutes=1))
    assert (during.events, during.registrations, during.no_shows) == (1, 2, 0)
    ended = queries.event_totals(filters, now=after(event))
    assert (ended.no_shows, ended.attendance_rate) == (2, 0.0)


def test_a_cancelled_or_unpublished_event_is_not_counted(make, ctx, staff):
    from hub.domain.events.decisions import cancel_event
    from hub.models import EventState

    event = make.event(capacity=3)
    make.event(capacity=5, state=EventState.PROPOSED, starts_at=event.starts_at)
    register(event.id, "ana@example.org")
    cancel_event(db.session.get(type(staff), staff.id), event_row(event.id), "Salle inondée")
    db.session.commit()
    totals = queries.event_totals(
        queries.FigureFilters(whole_period(event.starts_at.date())), now=after(event)
    )
    assert (totals.events, totals.seats, totals.registrations) == (0, 0, 0)


def test_people_who_come_back_are_returning_people(make, ctx, staff):
    first = make.event(capacity=5, starts_in=timedelta(days=3))
    second = make.event(capacity=5, starts_in=timedelta(days=10))
    register(first.id, "ana@example.org", "ben@example.org")
    register(second.id, "ana@example.org", "cleo@example.org")
    for email in ("ana@example.org", "ben@example.org"):
        check_in(staff, email, first.id)
    for email in ("ana@example.org", "cleo@example.org"):
        check_in(staff, email, second.id)
    assert kept(first.id)["returning_attendances"] == 0
    assert kept(second.id)["returning_attendances"] == 1  # Ana had come before
    both = queries.FigureFilters(whole_period(first.starts_at.date(), second.starts_at.date()))
    totals = queries.event_totals(both, now=after(second))
    assert (totals.attended, totals.people, totals.returning_people) == (4, 3, 1)
    only_first = queries.FigureFilters(whole_period(first.starts_at.date()))
    assert queries.event_totals(only_first, now=after(second)).people == 2


def test_a_check_in_is_counted_once(make, ctx, staff):
    event = make.event(capacity=2)
    register(event.id, "ana@example.org")
    check_in(staff, "ana@example.org", event.id)
    registration = registration_of("ana@example.org", event.id)
    assert attendance.check_in(db.session.get(type(staff), staff.id), registration) is False
    db.session.commit()
    assert (kept(event.id)["attended"], kept(event.id)["holding"]) == (1, 0)


def test_a_check_in_schedules_one_feedback_email_for_after_the_event(make, ctx, staff):
    event = make.event(capacity=2)
    register(event.id, "ana@example.org")
    check_in(staff, "ana@example.org", event.id)
    message = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "event_feedback_request")
    )
    assert message.recipient == "ana@example.org"
    assert message.next_attempt_at == event.ends_at + feedback.FEEDBACK_DELAY


# --- Counts equal to a recount of the rows (a property over random histories) ---------------


@pytest.mark.parametrize("seed", range(4))
def test_kept_counts_equal_a_recount_from_the_rows(make, ctx, staff, seed):
    rng = random.Random(seed)
    events = [make.event(capacity=rng.randint(1, 4), starts_in=timedelta(days=d)) for d in (3, 6)]
    pool = [f"person{n}@example.org" for n in range(9)]
    for _step in range(40):
        event_id = rng.choice(events).id
        rows = db.session.scalars(
            sa.select(Registration).where(Registration.event_id == event_id)
        ).all()
        live = [r for r in rows if r.state != RegistrationState.CANCELLED]
        action = rng.random()
        if action < 0.45:
            register(event_id, rng.choice(pool))
        elif action < 0.7 and live:
            choice = rng.choice(live)
            if choice.state != RegistrationState.ATTENDED:
                cancel(choice.email, event_id)
        elif live:
            seated = [r for r in live if r.state == RegistrationState.CONFIRMED]
            if seated:
                check_in(staff, rng.choice(seated).email, event_id)
    for event in events:
        move_to_the_past(event.id, days=10 - event.id % 3)
        for registration in db.session.scalars(
            sa.select(Registration).where(
                Registration.event_id == event.id, Registration.state == RegistrationState.ATTENDED
            )
        ):
            feedback.answer_feedback(registration, rng.randint(1, 5), "")
            if rng.random() < 0.5:
                feedback.answer_feedback(registration, rng.randint(1, 5), "Bien")
            db.session.commit()
    for event in events:
        recount = counters.recount_event(event.id)
        assert kept(event.id) == {name: getattr(recount, name) for name in EVENT_COUNTS}
        figures = db.session.get(EventFigures, event.id)
        assert people.distinct_people([figures.people_sketch]) == len(recount.people)
        assert people.distinct_people([figures.returning_sketch]) == len(recount.returning_people)


# --- Anonymising or deleting personal data changes no figure -----------------------------------


def figures_now(filters):
    result = queries.figures_for(filters, now=utcnow())
    return (result.totals, result.months, result.audiences, result.partners)


def test_figures_do_not_change_when_registrations_are_anonymised_or_deleted(make, ctx, staff):
    host = make.partner()
    events = [
        make.event(organisation=host, capacity=2, starts_in=timedelta(days=d)) for d in (3, 4)
    ]
    for event in events:
        register(event.id, "ana@example.org", "ben@example.org", "cleo@example.org")
        cancel("ben@example.org", event.id)
        check_in(staff, "ana@example.org", event.id)
        check_in(staff, "cleo@example.org", event.id)
        move_to_the_past(event.id, days=event.id % 5 + 1)
        feedback.answer_feedback(registration_of("ana@example.org", event.id), 5, "Parfait")
        db.session.commit()
    # The last week, and a day on each side: a year or a month would miss them in its first days.
    filters = queries.FigureFilters(
        whole_period(utcnow().date() - timedelta(days=6), utcnow().date())
    )
    before = figures_now(filters)
    assert (before[0].registrations, before[0].attended, before[0].people) == (6, 4, 2)
    assert before[0].feedback_average == 5
    # Retention: names and addresses replaced, comments erased.
    for registration in db.session.scalars(sa.select(Registration)):
        registration.name = "—"
        registration.email = f"anonyme-{registration.id}@invalid"
    db.session.execute(sa.update(Feedback).values(comment=""))
    db.session.commit()
    assert figures_now(filters) == before
    # Erasure: the rows themselves go.
    db.session.execute(sa.delete(Registration))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 0
    assert figures_now(filters) == before


# --- Periods, months and time zones ---------------------------------------------------------


def test_periods_around_a_day():
    today = date(2026, 5, 17)
    assert period_of(None, today) == Period(PeriodKind.MONTH, date(2026, 5, 1), date(2026, 5, 31))
    assert period_of(PeriodKind.QUARTER, today) == Period(
        PeriodKind.QUARTER, date(2026, 4, 1), date(2026, 6, 30)
    )
    assert period_of(PeriodKind.QUARTER, date(2026, 12, 31)).first == date(2026, 10, 1)
    assert period_of(PeriodKind.YEAR, today) == Period(
        PeriodKind.YEAR, date(2026, 1, 1), date(2026, 12, 31)
    )
    custom = period_of(PeriodKind.CUSTOM, today, date(2025, 11, 20), date(2026, 2, 3))
    assert custom.months == [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (None, date(2026, 1, 1), "first"),
        (date(2026, 1, 1), None, "last"),
        (date(2026, 2, 1), date(2026, 1, 31), "last"),
        (date(2020, 1, 1), date(2026, 1, 1), "last"),  # more than 36 months
    ],
)
def test_chosen_dates_are_refused_beside_their_field(first, last, field):
    with pytest.raises(DomainError) as refused:
        period_of(PeriodKind.CUSTOM, date(2026, 5, 17), first, last)
    assert refused.value.field == field


def local(year, month, day, hour, minute, zone):
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/Martinique", "Pacific/Noumea"])
def test_an_event_belongs_to_the_month_it_starts_in_its_venue_zone(make, ctx, zone):
    space = make.space(venue_slug=f"atelier-{zone.split('/')[1].lower()}", timezone=zone)
    late = make.event(space, starts_at=local(2026, 1, 31, 23, 30, zone))  # still January there
    early = make.event(space, starts_at=local(2026, 3, 1, 0, 30, zone))  # already March there
    for event, count in ((late, 3), (early, 2)):
        for _n in range(count):
            make.registration(event)
    period = period_of(PeriodKind.CUSTOM, date(2026, 5, 1), date(2026, 1, 1), date(2026, 3, 31))
    months = queries.per_month(queries.FigureFilters(period), now=datetime(2026, 4, 1, tzinfo=UTC))
    assert [(row.key, row.registrations) for row in months] == [
        ("2026-01", 3),
        ("2026-02", 0),
        ("2026-03", 2),
    ]
    january = period_of(PeriodKind.MONTH, date(2026, 1, 15))
    totals = queries.event_totals(
        queries.FigureFilters(january), now=datetime(2026, 4, 1, tzinfo=UTC)
    )
    assert (totals.events, totals.registrations) == (1, 3)


# --- Filters ---------------------------------------------------------------------------------


def test_filters_by_venue_kind_audience_and_hosting_partner(make, ctx):
    host, cohost, invited = make.partner(), make.partner(), make.partner()
    rennes = make.space(venue_slug="rennes")
    start = utcnow().replace(microsecond=0) - timedelta(days=3)
    training = make.event(organisation=host, kind=EventKind.TRAINING, audience=Audience.RESIDENTS,
                          starts_at=start)  # fmt: skip
    conference = make.event(rennes, kind=EventKind.CONFERENCE,
                            audience=Audience.PROFESSIONALS, starts_at=start)  # fmt: skip
    make.cohost(conference, cohost)
    make.cohost(training, invited, state=CoHostState.INVITED)  # not a host until accepted
    for event, count in ((training, 2), (conference, 3)):
        for _n in range(count):
            make.registration(event, state=RegistrationState.ATTENDED)
    period = whole_period(start.date())

    def registrations_for(**filters):
        return queries.event_totals(queries.FigureFilters(period, **filters)).registrations

    venue_id = db.session.get(Event, conference.id).space.venue_id
    assert registrations_for() == 5
    assert registrations_for(venue_id=venue_id) == 3
    assert registrations_for(kind=EventKind.TRAINING) == 2
    assert registrations_for(audience=Audience.PROFESSIONALS) == 3
    assert registrations_for(partner_id=host.id) == 2
    assert registrations_for(partner_id=cohost.id) == 3
    assert registrations_for(partner_id=invited.id) == 0
    audiences = queries.per_audience(queries.FigureFilters(period))
    assert [(row.key, row.events, row.registrations) for row in audiences] == [
        ("residents", 1, 2),
        ("professionals", 1, 3),
        ("everyone", 0, 0),
    ]
    partners = queries.per_partner(queries.FigureFilters(period))
    assert [(row.key, row.registrations) for row in partners] == [
        (cohost.slug, 3),
        ("", 3),  # the conference's proposer: the venue team, after partners on a tie
        (host.slug, 2),
    ]


# --- Feedback --------------------------------------------------------------------------------


def attended_registration(make, staff, email="ana@example.org"):
    event = make.event(capacity=3)
    register(event.id, email, "ben@example.org")
    check_in(staff, email, event.id)
    return event, registration_of(email, event.id)


def test_an_attendee_answers_once_and_may_change_the_answer(make, ctx, staff):
    event, registration = attended_registration(make, staff)
    move_to_the_past(event.id)
    feedback.answer_feedback(registration, 2, "  Trop rapide  ")
    db.session.commit()
    feedback.answer_feedback(registration_of("ana@example.org", event.id), 5, "Finalement top")
    db.session.commit()
    answers = db.session.scalars(sa.select(Feedback)).all()
    assert [(a.rating, a.comment) for a in answers] == [(5, "Finalement top")]
    assert (kept(event.id)["feedback_count"], kept(event.id)["rating_sum"]) == (1, 5)
    summary = feedback.feedback_summary(event_row(event.id))
    assert (summary.count, summary.average) == (1, 5.0)
    assert [a.comment for a in summary.comments] == ["Finalement top"]


def test_the_database_keeps_one_answer_per_attendee(make, ctx, staff):
    event, registration = attended_registration(make, staff)
    db.session.add(Feedback(event_id=event.id, registration_id=registration.id, rating=4))
    db.session.commit()
    db.session.add(Feedback(event_id=event.id, registration_id=registration.id, rating=2))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_feedback_is_refused_before_the_end_after_retention_and_to_non_attendees(
    make, ctx, staff, settings
):
    event, registration = attended_registration(make, staff)
    with pytest.raises(Conflict, match=r"une fois l.événement terminé"):
        feedback.answer_feedback(registration, 4, "")
    db.session.rollback()
    move_to_the_past(event.id, days=10)
    settings(REGISTRATION_RETENTION_DAYS=5)
    with pytest.raises(Conflict, match="sont closes"):
        feedback.answer_feedback(registration_of("ana@example.org", event.id), 4, "")
    db.session.rollback()
    settings(REGISTRATION_RETENTION_DAYS=90)
    with pytest.raises(Conflict, match="Seules les personnes venues"):
        feedback.answer_feedback(registration_of("ben@example.org", event.id), 4, "")
    db.session.rollback()
    for rating in (None, 0, 6):
        with pytest.raises(DomainError) as refused:
            feedback.answer_feedback(registration_of("ana@example.org", event.id), rating, "")
        assert refused.value.field == "rating"
    assert kept(event.id)["feedback_count"] == 0


# --- Demo days, innovations and interest -------------------------------------------------------


def test_demo_days_held_and_startups_shown(make, ctx):
    past = utcnow().replace(microsecond=0) - timedelta(days=2)
    held = make.slot(starts_at=past, status=SlotStatus.CLOSED)
    cancelled = make.slot(starts_at=past - timedelta(days=1), status=SlotStatus.CANCELLED)
    make.slot(starts_in=timedelta(days=5))  # not held yet
    shown = make.startup()
    make.application(held, shown, state=ApplicationState.CONFIRMED)
    make.application(held, state=ApplicationState.CONFIRMED)
    make.application(held, state=ApplicationState.REJECTED)
    make.application(cancelled, state=ApplicationState.CONFIRMED)
    filters = queries.FigureFilters(whole_period(past.date(), past.date() + timedelta(days=7)))
    assert queries.demo_day_figures(filters) == (1, 2)
    assert queries.demo_day_figures(filters, startup_id=shown.id) == (1, 1)


def test_interest_is_counted_per_day_and_per_innovation(make, ctx):
    startup = make.startup()
    first, second = make.innovation(startup, "Capteur"), make.innovation(title="Carte")
    for innovation, clicks in ((first, 3), (second, 1)):
        for _n in range(clicks):
            register_interest(db.session.get(Innovation, innovation.id))
            db.session.commit()
    # Today and a day on each side: the click counts on the display time zone's day.
    filters = queries.FigureFilters(whole_period(utcnow().date()))
    rows = queries.interest_per_innovation(filters)
    assert [(row.title, row.clicks) for row in rows] == [("Capteur", 3), ("Carte", 1)]
    assert queries.interest_total(filters) == 4
    assert queries.interest_total(filters, startup_id=startup.id) == 3
    last_year = queries.FigureFilters(period_of(PeriodKind.YEAR, date(2020, 6, 1)))
    assert queries.interest_total(last_year) == 0
