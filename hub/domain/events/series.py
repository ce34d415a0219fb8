"""Series: events made from one rule (every Tuesday, 14:00–16:00, for 8 weeks) or a list of
dates, each its own event with its own seats; and courses, registered for as a whole.

A course booking takes the series' lock, then each session's in id order (locks.py): the
person gets a seat in every session, or waits on every session's list, never some of them.
Cancelling one of its registrations cancels the booking; freed seats go to the next course
booking that fits in every session.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain import audit, locks, outbox
from hub.domain.accounts.queries import normalise_email
from hub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from hub.domain.events import proposals
from hub.domain.events.permissions import can_edit_event, member_organisation_ids
from hub.domain.events.registrations import registration_closed_reason
from hub.domain.figures import counters
from hub.domain.slugs import unique_slug
from hub.extensions import db
from hub.models import (
    Event,
    EventSeries,
    EventState,
    Organisation,
    Registration,
    RegistrationState,
    Space,
    User,
    utcnow,
)
from hub.models.events import course_registrations
from hub.timezones import in_zone, local_to_utc

MAX_DATES = 52


@dataclass
class SeriesRule:
    """When the dates fall: `weeks` weekly dates from `first_date`, or the `dates` listed;
    each from `starts` to `ends`, the venue's local time."""

    starts: time
    ends: time
    first_date: date | None = None
    weeks: int = 0
    dates: tuple[date, ...] = ()

    def days(self) -> list[date]:
        if self.dates:
            return sorted(set(self.dates))
        if self.first_date is None or self.weeks < 1:
            return []
        return [self.first_date + timedelta(weeks=week) for week in range(self.weeks)]


def create_series(
    actor: User,
    details: proposals.EventDetails,
    rule: SeriesRule,
    *,
    organisation: Organisation | None = None,
    is_course: bool = False,
) -> EventSeries:
    """Staff (published at once) or a verified partner's member (proposed) make one event
    per date of the rule, all alike; all of them or none (a clash names its date)."""
    days = rule.days()
    if not days:
        raise DomainError(
            _l("Give a first date and a number of weeks, or a list of dates."), field="dates"
        )
    if len(days) > MAX_DATES:
        raise DomainError(_l("%(count)d dates at most.", count=MAX_DATES), field="dates")
    if rule.ends <= rule.starts:
        raise DomainError(_l("The event must end after it starts."), field="ends")
    space = db.session.get(Space, details.space_id)
    venue = space.venue if space else None
    series = EventSeries(
        slug=unique_slug(EventSeries.slug, details.title, 150),
        title=details.title.strip(),
        description=details.description.strip(),
        is_course=is_course,
        organisation_id=organisation.id if organisation else None,
        created_by_id=actor.id,
    )
    db.session.add(series)
    dated_details = [
        replace(
            details,
            starts_at=local_to_utc(datetime.combine(day, rule.starts), venue),
            ends_at=local_to_utc(datetime.combine(day, rule.ends), venue),
            registration_opens_at=None,
            registration_closes_at=None,
        )
        for day in days
    ]
    if dated_details[0].starts_at <= utcnow():
        field = "dates" if rule.dates else "first_date"
        raise DomainError(_l("Every date must be in the future."), field=field)
    for dated in dated_details:
        if actor.is_staff:
            event = proposals.create_event_as_staff(actor, dated, organisation)
        elif organisation is not None:
            event = proposals.propose_event(actor, organisation, dated)
        else:
            raise NotAllowed(_l("Only members of a verified partner can propose events."))
        series.events.append(event)
    db.session.flush()
    audit.record(actor, "series.created", series, dates=len(days), course=is_course)
    return series


def can_edit_series(user: User | None, series: EventSeries) -> bool:
    """Staff, and members of the partner that made it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or (
        series.organisation_id is not None
        and series.organisation_id in member_organisation_ids(user)
    )


def editable_series(user: User | None, series_id: int) -> EventSeries:
    series = db.session.get(EventSeries, series_id)
    if series is None or not can_edit_series(user, series):
        raise NotFound(_l("This series does not exist."))
    return series


def future_dates(series: EventSeries, now: datetime | None = None) -> list[Event]:
    now = now or utcnow()
    return [
        event
        for event in series.events
        if event.starts_at > now and event.state not in (EventState.CANCELLED, EventState.REJECTED)
    ]


@dataclass
class SeriesChanges:
    """What changes on every future date at once (a single date is edited on its own)."""

    title: str
    description: str
    capacity: int
    starts: time
    ends: time


def update_future_dates(actor: User, series: EventSeries, changes: SeriesChanges) -> int:
    """Change the series and every date still to come, each by the event's own rules (the
    room checked again, registrants told of a new time); returns how many dates changed."""
    if not can_edit_series(actor, series):
        raise NotFound(_l("This series does not exist."))
    if changes.ends <= changes.starts:
        raise DomainError(_l("The event must end after it starts."), field="ends")
    # The series' lock first, as a course booking takes it (then each date's, in id order).
    locks.lock_series(series.id)
    series.title = changes.title.strip()
    series.description = changes.description.strip()
    changed = 0
    for event in future_dates(series):
        if not can_edit_event(actor, event):
            continue  # published: only the venue team moves it
        venue = event.space.venue
        local_day = in_zone(event.starts_at, venue).date()
        proposals.update_event(
            actor,
            event,
            proposals.EventDetails.of(
                event,
                title=changes.title,
                description=changes.description,
                capacity=changes.capacity,
                starts_at=local_to_utc(datetime.combine(local_day, changes.starts), venue),
                ends_at=local_to_utc(datetime.combine(local_day, changes.ends), venue),
            ),
        )
        changed += 1
    if series.is_course:
        promote_course_waitlist(series)  # more seats in every session: whole bookings move up
    audit.record(actor, "series.updated", series, dates=changed)
    return changed


# --- Courses ----------------------------------------------------------------------------------


@dataclass
class CourseOutcome:
    registrations: list[Registration]
    created: bool  # False: this email had booked the course already

    @property
    def confirmed(self) -> bool:
        return all(r.state == RegistrationState.CONFIRMED for r in self.registrations)


def course_sessions(series: EventSeries) -> list[Event]:
    """The course's published sessions, locked in id order (after the series' lock)."""
    ids = sorted(event.id for event in series.events if event.state == EventState.PUBLISHED)
    return [locks.lock_event(event_id) for event_id in ids]


def register_for_course(
    series: EventSeries,
    name: str,
    email: str,
    wants_news: bool,
    locale: str,
    user: User | None = None,
) -> CourseOutcome:
    """Book every session of a course at once: confirmed in all if each has a seat, else on
    every session's waiting list. One email lists the sessions and the private links."""
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise DomainError(_l("Tell us your name."), field="name")
    series_id = series.id
    series = locks.lock_series(series_id)
    if series is None or not series.is_course:
        raise NotFound(_l("This course does not exist."))
    sessions = course_sessions(series)
    if not sessions:
        raise Conflict(_l("Registrations are not open for this event."))
    for session in sessions:
        reason = registration_closed_reason(session)
        if reason is not None:
            raise Conflict(reason)
    existing = course_booking(series_id, email)
    if existing:
        return CourseOutcome(existing, created=False)
    has_seats = all(
        locks.event_seats_taken(session.id) + 1 <= session.capacity for session in sessions
    )
    state = RegistrationState.CONFIRMED if has_seats else RegistrationState.WAITLISTED
    account = user.id if user is not None and getattr(user, "is_authenticated", False) else None
    booked = []
    for session in sessions:
        registration = Registration(
            event_id=session.id, user_id=account, name=name[:120], email=email,
            wants_news=bool(wants_news), locale=locale, state=state,
            token=secrets.token_urlsafe(32),
            confirmed_at=utcnow() if has_seats else None,
        )  # fmt: skip
        registration.course = series
        db.session.add(registration)
        booked.append(registration)
    db.session.flush()
    for registration in booked:
        counters.record_registration(registration)
        audit.record(user, f"registration.{state.value}", registration, course=series.slug)
    _tell_course_registrant(series, booked)
    return CourseOutcome(booked, created=True)


def course_booking(series_id: int, email: str) -> list[Registration]:
    """The person's live registrations booked with the course, by session date."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(course_registrations, course_registrations.c.registration_id == Registration.id)
            .join(Event, Event.id == Registration.event_id)
            .where(
                course_registrations.c.course_id == series_id,
                Registration.email == email,
                Registration.state != RegistrationState.CANCELLED,
            )
            .order_by(Event.starts_at)
        )
    )


def cancel_course_booking(registration: Registration, actor: User | None = None) -> bool:
    """Cancel every session of the person's course booking; freed seats go to the next
    course booking that fits in every session. False when it was cancelled already."""
    series = locks.lock_series(registration.course.id)
    course_sessions(series)
    booking = course_booking(series.id, registration.email)
    if not booking:
        return False
    if any(r.state == RegistrationState.ATTENDED for r in booking):
        raise Conflict(_l("You came to this event: this registration can no longer be cancelled."))
    for booked in booking:
        previous = booked.state
        booked.state = RegistrationState.CANCELLED
        booked.cancelled_at = utcnow()
        counters.record_cancellation(booked, previous)
        audit.record(actor, "registration.cancelled", booked, course=series.slug)
    db.session.flush()
    _tell_course_registrant(series, booking, "course_registration_cancelled")
    promote_course_waitlist(series)
    return True


def promote_course_waitlist(series: EventSeries) -> list[list[Registration]]:
    """In booking order, confirm whole waiting course bookings while every session has a
    seat for them. Call with the series and its sessions locked."""
    sessions = [e for e in series.events if e.state == EventState.PUBLISHED]
    if not sessions or min(e.starts_at for e in sessions) <= utcnow():
        return []
    free = {e.id: e.capacity - locks.event_seats_taken(e.id) for e in sessions}
    waiting = db.session.scalars(
        sa.select(Registration)
        .join(course_registrations, course_registrations.c.registration_id == Registration.id)
        .where(
            course_registrations.c.course_id == series.id,
            Registration.state == RegistrationState.WAITLISTED,
        )
        .order_by(Registration.id)
    ).all()
    bookings: dict[str, list[Registration]] = {}
    for registration in waiting:
        bookings.setdefault(registration.email, []).append(registration)
    promoted = []
    for booking in bookings.values():
        if any(free.get(r.event_id, 0) < r.places for r in booking):
            break  # the course's queue keeps its order
        for registration in booking:
            free[registration.event_id] -= registration.places
            registration.state = RegistrationState.CONFIRMED
            registration.confirmed_at = utcnow()
            counters.record_promotion(registration)
            audit.record(None, "registration.promoted", registration, course=series.slug)
        _tell_course_registrant(series, booking)
        promoted.append(booking)
    db.session.flush()
    return promoted


def _tell_course_registrant(
    series: EventSeries, booking: list[Registration], template: str = "course_registration"
) -> None:
    """One email for the whole booking; a cancellation carries each session's calendar
    cancellation."""
    first = booking[0]
    outbox.queue(
        first.email,
        template,
        first.locale,
        series=series,
        registration=first,
        registrations=booking,
        confirmed=first.state == RegistrationState.CONFIRMED,
        with_files=first.state == RegistrationState.CANCELLED,
    )


def booked_as_a_whole(event: Event):
    """Why a course's session is not registered for alone, or None for any other event."""
    if event.series is not None and event.series.is_course:
        return _l("This session is part of a course: register for the whole course.")
    return None


# --- Public pages -----------------------------------------------------------------------------


def public_series(slug: str) -> EventSeries:
    """A series with at least one published date; NotFound otherwise."""
    series = db.session.scalar(sa.select(EventSeries).where(EventSeries.slug == slug))
    if series is None or not any(e.state == EventState.PUBLISHED for e in series.events):
        raise NotFound(_l("This series does not exist."))
    return series
