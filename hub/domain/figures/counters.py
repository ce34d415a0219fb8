"""The counts behind the impact figures, kept at the time things happen.

"Count at the time, store the counts": each function here is called by the domain function
that makes the change (a registration, a promotion, a cancellation, a check-in, an answer
to the feedback email, an "I'm interested" click), in the same transaction, with the event's
row locked where a seat changes (hub/domain/locks.py). The figures read these counts only;
erasing or anonymising registrations later (retention, a person's erasure) changes none
of them. Code that removes personal data must not call them, nor rebuild_event_figures().
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from hub.domain.figures import people
from hub.extensions import db
from hub.models import (
    AuditEntry,
    Event,
    EventFigures,
    Feedback,
    InnovationInterestDay,
    Registration,
    RegistrationState,
    Space,
    utcnow,
)
from hub.models.figures import EVENT_COUNTS
from hub.timezones import in_zone


def event_facts(event: Event) -> dict:
    """What the figures filter on, copied from the event: the day it starts in its venue's
    zone (by the room's id: after a move, event.space may still be the old room), times,
    state, venue, kind, audience, proposer and seats."""
    venue = db.session.get(Space, event.space_id).venue
    return {
        "local_date": in_zone(event.starts_at, venue).date(),
        "state": event.state,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue_id": venue.id,
        "kind": event.kind,
        "audience": event.audience,
        "organisation_id": event.organisation_id,
        "capacity": event.capacity,
    }


def _upsert(model, keys: dict, insert: dict, update: dict) -> None:
    """INSERT … ON CONFLICT DO UPDATE, on SQLite and PostgreSQL alike (one statement)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**keys, **insert)
    db.session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=update))


def record_event(event: Event) -> None:
    """An event was published, changed (time, room, kind, audience, seats) or cancelled:
    its row follows. Call it wherever one of those changes."""
    facts = {**event_facts(event), "updated_at": utcnow()}
    _upsert(EventFigures, {"event_id": event.id}, facts, facts)


def _add(event: Event, **deltas: int) -> None:
    """Add to the event's counts (creating its row first): an UPDATE of `n = n + delta`,
    which cannot lose a step to a simultaneous one."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(EventFigures)
        .values(event_id=event.id, **event_facts(event), updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["event_id"])
    )
    table = EventFigures.__table__
    db.session.execute(
        sa.update(EventFigures)
        .where(EventFigures.event_id == event.id)
        .values(
            **{name: table.c[name] + delta for name, delta in deltas.items()},
            updated_at=utcnow(),
        )
    )


def record_registration(registration: Registration) -> None:
    """A new registration: a seat held, or one more person on the waiting list."""
    seated = registration.state == RegistrationState.CONFIRMED
    _add(registration.event, registrations=1, holding=int(seated), waitlisted=int(not seated))


def record_promotion(registration: Registration) -> None:
    """A waitlisted person was given a seat."""
    _add(registration.event, promoted=1, holding=1)


def record_cancellation(registration: Registration, previous: RegistrationState) -> None:
    """A registration was cancelled; a seat held is a seat freed."""
    held = previous == RegistrationState.CONFIRMED
    _add(registration.event, cancelled=1, holding=-int(held))


def record_check_in(registration: Registration) -> None:
    """A person came. Call with the event's row locked: the sketches are read and rewritten."""
    event = registration.event
    # A walk-in without an email is one more person, never a returning one.
    returning = bool(registration.email) and came_before(
        registration.email, registration.event_id, registration.attended_at or utcnow()
    )
    _add(event, holding=-1, attended=1, returning_attendances=int(returning))
    figures = db.session.execute(
        sa.select(EventFigures.people_sketch, EventFigures.returning_sketch).where(
            EventFigures.event_id == event.id
        )
    ).one()
    person = people.person_hash(registration.email or f"walk-in:{registration.token}")
    values = {"people_sketch": people.add_to_sketch(figures.people_sketch, [person])}
    if returning:
        values["returning_sketch"] = people.add_to_sketch(figures.returning_sketch, [person])
    db.session.execute(
        sa.update(EventFigures).where(EventFigures.event_id == event.id).values(**values)
    )


def came_before(email: str, event_id: int, moment: datetime) -> bool:
    """Whether this address had been checked in at another event before `moment`, in the
    rows still held (so "returning" means: came back within the retention period)."""
    return db.session.scalar(
        sa.select(
            sa.exists().where(
                Registration.email == email,
                Registration.state == RegistrationState.ATTENDED,
                Registration.event_id != event_id,
                Registration.attended_at < moment,
            )
        )
    )


def record_feedback(event: Event, rating: int, previous_rating: int | None) -> None:
    """An attendee answered (or changed their answer to) the feedback email."""
    if previous_rating is None:
        _add(event, feedback_count=1, rating_sum=rating)
    else:
        _add(event, rating_sum=rating - previous_rating)


def record_interest(innovation_id: int, when: datetime | None = None) -> None:
    """One more "I'm interested" click, on the day it happened (display time zone)."""
    day = in_zone(when or utcnow()).date()
    table = InnovationInterestDay.__table__
    _upsert(
        InnovationInterestDay,
        {"innovation_id": innovation_id, "day": day},
        {"clicks": 1},
        {"clicks": table.c.clicks + 1},
    )


# --- Recounting from rows: demo data, tests, repairs; never after data was erased -----------


@dataclass(frozen=True)
class EventCounts:
    registrations: int = 0
    waitlisted: int = 0
    promoted: int = 0
    cancelled: int = 0
    holding: int = 0
    attended: int = 0
    returning_attendances: int = 0
    feedback_count: int = 0
    rating_sum: int = 0
    people: frozenset[int] = frozenset()
    returning_people: frozenset[int] = frozenset()


def recount_event(event_id: int) -> EventCounts:
    """What the counts would be if recomputed from the rows held now (and the audit trail,
    which says who was promoted). Equal to the kept counts as long as nothing was erased."""
    state = Registration.state
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(state == RegistrationState.WAITLISTED),
            sa.func.count().filter(
                state == RegistrationState.CANCELLED, Registration.confirmed_at.is_(None)
            ),
            sa.func.count().filter(state == RegistrationState.CANCELLED),
            sa.func.count().filter(state == RegistrationState.CONFIRMED),
        ).where(Registration.event_id == event_id)
    ).one()
    promoted = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(AuditEntry.target_id))).where(
            AuditEntry.action == "registration.promoted",
            AuditEntry.target_type == Registration.__tablename__,
            AuditEntry.target_id.in_(
                sa.select(Registration.id).where(Registration.event_id == event_id)
            ),
        )
    )
    attendees = db.session.execute(
        sa.select(Registration.email, Registration.attended_at, Registration.event_id).where(
            Registration.event_id == event_id, state == RegistrationState.ATTENDED
        )
    ).all()
    # A walk-in without an email is one more person, never a returning one.
    attendees = [
        (email or f"walk-in:{index}", attended_at, event)
        for index, (email, attended_at, event) in enumerate(attendees)
    ]
    returning = [
        email
        for email, attended_at, _ in attendees
        if not email.startswith("walk-in:")
        and came_before(email, event_id, attended_at or utcnow())
    ]
    feedback = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Feedback.rating), 0)).where(
            Feedback.event_id == event_id
        )
    ).one()
    return EventCounts(
        registrations=row[0],
        waitlisted=row[1] + row[2] + promoted,
        promoted=promoted,
        cancelled=row[3],
        holding=row[4],
        attended=len(attendees),
        returning_attendances=len(returning),
        feedback_count=feedback[0],
        rating_sum=feedback[1],
        people=frozenset(people.person_hash(email) for email, *_ in attendees),
        returning_people=frozenset(people.person_hash(email) for email in returning),
    )


def rebuild_event_figures(events: Iterable[Event]) -> None:
    """Write the counts recomputed from rows (demo data, test data): see recount_event."""
    for event in events:
        counts = recount_event(event.id)
        values = {name: getattr(counts, name) for name in EVENT_COUNTS}
        values["people_sketch"] = people.add_to_sketch(None, counts.people)
        values["returning_sketch"] = people.add_to_sketch(None, counts.returning_people)
        values.update(event_facts(event), updated_at=utcnow())
        _upsert(EventFigures, {"event_id": event.id}, values, values)
