"""What the public browses: upcoming events with their seats, demo days and their startups.

Each function answers in a fixed number of queries, whatever the amount of data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from hub.domain.events import SEAT_HOLDING_STATES
from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    CoHostState,
    Event,
    EventHost,
    EventState,
    Organisation,
    OrganisationKind,
    Registration,
    ShowcaseSlot,
    SlotStatus,
    Space,
    utcnow,
)


@dataclass(frozen=True)
class UpcomingEvent:
    event: Event
    seats_left: int


@dataclass(frozen=True)
class DemoDay:
    slot: ShowcaseSlot
    startups: list[Application]


def _seats_taken() -> sa.ScalarSelect:
    return (
        sa.select(sa.func.count(Registration.id))
        .where(Registration.event_id == Event.id, Registration.state.in_(SEAT_HOLDING_STATES))
        .correlate(Event)
        .scalar_subquery()
    )


def public_events(now: datetime | None = None) -> sa.Select:
    """Published events that have not ended yet, soonest first."""
    now = now or utcnow()
    return (
        sa.select(Event)
        .where(Event.state == EventState.PUBLISHED, Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
    )


def hosted_by(organisation: Organisation) -> sa.ColumnElement[bool]:
    """Events an organisation proposed or co-hosts (an accepted invitation)."""
    return sa.or_(
        Event.organisation_id == organisation.id,
        Event.id.in_(
            sa.select(EventHost.event_id).where(
                EventHost.organisation_id == organisation.id,
                EventHost.state == CoHostState.ACCEPTED,
            )
        ),
    )


def upcoming_events(
    limit: int | None = 6,
    host: Organisation | None = None,
    with_seats_only: bool = False,
    query: sa.Select | None = None,
) -> list[UpcomingEvent]:
    """Upcoming public events with the seats still free, in one query."""
    taken = _seats_taken()
    seats_left = Event.capacity - taken
    statement = (query if query is not None else public_events()).add_columns(
        seats_left.label("seats_left")
    )
    statement = statement.options(
        sa.orm.joinedload(Event.space).joinedload(Space.venue),
        sa.orm.joinedload(Event.organisation),
    )
    if host is not None:
        statement = statement.where(hosted_by(host))
    if with_seats_only:
        statement = statement.where(Event.capacity - taken > 0)
    if limit:
        statement = statement.limit(limit)
    return [
        UpcomingEvent(event=event, seats_left=max(left, 0))
        for event, left in db.session.execute(statement).unique()
    ]


def upcoming_demo_days(limit: int | None = 1) -> list[DemoDay]:
    """The next demo days that are not cancelled, each with its confirmed startups."""
    statement = (
        sa.select(ShowcaseSlot)
        .where(ShowcaseSlot.status != SlotStatus.CANCELLED, ShowcaseSlot.ends_at > utcnow())
        .order_by(ShowcaseSlot.starts_at, ShowcaseSlot.id)
        .options(sa.orm.joinedload(ShowcaseSlot.space).joinedload(Space.venue))
    )
    if limit:
        statement = statement.limit(limit)
    slots = list(db.session.scalars(statement).unique())
    confirmed = confirmed_startups([slot.id for slot in slots])
    return [DemoDay(slot=slot, startups=confirmed.get(slot.id, [])) for slot in slots]


def confirmed_startups(slot_ids: list[int]) -> dict[int, list[Application]]:
    """Confirmed applications per slot, with their startup and innovation, in one query."""
    if not slot_ids:
        return {}
    rows = db.session.scalars(
        sa.select(Application)
        .join(Application.organisation)
        .join(Application.innovation)
        .where(
            Application.slot_id.in_(slot_ids),
            Application.state == ApplicationState.CONFIRMED,
            Organisation.verified_at.is_not(None),
        )
        .order_by(Organisation.name, Application.id)
        .options(
            sa.orm.contains_eager(Application.organisation),
            sa.orm.contains_eager(Application.innovation),
        )
    )
    by_slot: dict[int, list[Application]] = {}
    for application in rows:
        by_slot.setdefault(application.slot_id, []).append(application)
    return by_slot


def partner_by_slug(slug: str) -> Organisation | None:
    return db.session.scalar(
        sa.select(Organisation).where(
            Organisation.slug == slug,
            Organisation.kind == OrganisationKind.PARTNER,
            Organisation.verified_at.is_not(None),
        )
    )
