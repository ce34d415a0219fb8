"""What pages and the API list about events: the agenda, an event's page, the backstage lists.

Each function answers in a fixed number of queries, whatever the amount of data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain import locks
from hub.domain.errors import NotFound
from hub.domain.events.permissions import EDITABLE_STATES, member_organisation_ids
from hub.extensions import db
from hub.models import (
    CoHostState,
    Event,
    EventHost,
    EventMessage,
    EventState,
    MessageAudience,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationState,
    Space,
    User,
    Venue,
    utcnow,
)
from hub.timezones import display_zone

# --- The agenda -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaFilters:
    """What a visitor narrowed the agenda to; empty values do not narrow it."""

    kind: str = ""
    audience: str = ""
    venue: str = ""
    month: str = ""  # YYYY-MM, as the reader counts months (the display time zone)

    def as_args(self) -> dict[str, str]:
        return {name: value for name, value in vars(self).items() if value}


@dataclass(frozen=True)
class UpcomingEvent:
    event: Event
    seats_left: int

    @classmethod
    def from_row(cls, event: Event, seats_left: int) -> UpcomingEvent:
        return cls(event, max(seats_left, 0))


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
    filters: AgendaFilters | None = None,
    *,
    host: Organisation | None = None,
    with_seats_only: bool = False,
) -> sa.Select:
    """Published events that have not ended, soonest first, their room and venue loaded.

    Narrowed by the agenda's filters, to one host's events, or to those with seats left.
    """
    query = (
        sa.select(Event)
        .join(Space, Space.id == Event.space_id)
        .join(Venue, Venue.id == Space.venue_id)
        .where(Event.state == EventState.PUBLISHED, Event.ends_at > utcnow())
        .order_by(Event.starts_at, Event.id)
        .options(
            sa.orm.contains_eager(Event.space).contains_eager(Space.venue),
            sa.orm.joinedload(Event.organisation),
        )
    )
    if host is not None:
        query = query.where(hosted_by(host))
    if with_seats_only:
        query = query.where(Event.capacity > _seats_taken_column())
    return _narrowed(query, filters) if filters is not None else query


def _narrowed(query: sa.Select, filters: AgendaFilters) -> sa.Select:
    """The query (of events joined to their room and venue) narrowed to the filters."""
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    if filters.audience:
        query = query.where(Event.audience == filters.audience)
    if filters.venue:
        query = query.where(Venue.slug == filters.venue)
    if filters.month:
        start = datetime.strptime(filters.month, "%Y-%m").replace(tzinfo=display_zone())
        end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
        query = query.where(Event.starts_at >= start, Event.starts_at < end)
    return query


def _upcoming_columns(*columns, filters: AgendaFilters) -> sa.Select:
    query = (
        sa.select(*columns)
        .select_from(Event)
        .join(Space, Space.id == Event.space_id)
        .join(Venue, Venue.id == Space.venue_id)
        .where(Event.state == EventState.PUBLISHED, Event.ends_at > utcnow())
    )
    return _narrowed(query, filters)


def agenda_venues(filters: AgendaFilters) -> list[Venue]:
    """The venues the agenda offers: those with an upcoming event that the other filters
    keep (and the one chosen, so it can be seen and removed), by city."""
    with_events = _upcoming_columns(Venue.id, filters=replace(filters, venue=""))
    return list(
        db.session.scalars(
            sa.select(Venue)
            .where(sa.or_(Venue.id.in_(with_events), Venue.slug == filters.venue))
            .order_by(Venue.city, Venue.name)
        )
    )


def agenda_months(filters: AgendaFilters) -> list[str]:
    """The months ("2027-03") the agenda offers: those with an upcoming event that the other
    filters keep (and the one chosen), counted in the display time zone like the filter."""
    starts = db.session.scalars(
        _upcoming_columns(Event.starts_at, filters=replace(filters, month="")).distinct()
    )
    zone = display_zone()
    months = {f"{start.astimezone(zone):%Y-%m}" for start in starts}
    return sorted(months | ({filters.month} if filters.month else set()))


def _seats_taken_column() -> sa.ScalarSelect:
    return (
        sa.select(sa.func.coalesce(sa.func.sum(Registration.places), 0))
        .where(
            Registration.event_id == Event.id,
            locks.holds_event_seat(),
        )
        .correlate(Event)
        .scalar_subquery()
    )


def with_seats_left(query: sa.Select) -> sa.Select:
    """The query's events as rows of (event, seats left), counted in the same query."""
    return query.add_columns(Event.capacity - _seats_taken_column())


def upcoming_with_seats(query: sa.Select) -> list[UpcomingEvent]:
    """The query's events, each with the seats still free, in one query."""
    rows = db.session.execute(with_seats_left(query)).unique()
    return [UpcomingEvent.from_row(event, seats_left) for event, seats_left in rows]


def upcoming_events_for_host(organisation: Organisation, limit: int = 20) -> list[Event]:
    """Upcoming published events the organisation proposed or co-hosts (accepted)."""
    return list(db.session.scalars(upcoming_events(host=organisation).limit(limit)).unique())


def upcoming_event(slug: str) -> UpcomingEvent:
    """One upcoming published event with its seats left; NotFound otherwise."""
    items = upcoming_with_seats(upcoming_events().where(Event.slug == slug))
    if not items:
        raise NotFound(_l("This event does not exist."))
    return items[0]


def seats_left(event: Event) -> int:
    """Seats still free for this event (never below zero)."""
    return max(event.capacity - locks.seats_taken_by_event([event.id])[event.id], 0)


# --- One event -------------------------------------------------------------------------------


@cache  # built once: building this select costs more than running it
def _public_event_by_slug() -> sa.Select:
    # With what its page shows: its room and venue, its partner, series and co-hosts.
    return (
        sa.select(Event)
        .where(
            Event.slug == sa.bindparam("slug"),
            Event.state.in_((EventState.PUBLISHED, EventState.CANCELLED)),
        )
        .options(
            sa.orm.joinedload(Event.space).joinedload(Space.venue),
            sa.orm.joinedload(Event.organisation),
            sa.orm.joinedload(Event.series),
            sa.orm.selectinload(Event.hosts).joinedload(EventHost.organisation),
        )
    )


def public_event(slug: str) -> Event:
    """A published (or cancelled, so links keep answering) event by its slug."""
    event = db.session.scalar(_public_event_by_slug(), {"slug": slug})
    if event is None:
        raise NotFound(_l("This event does not exist."))
    return event


def public_hosts(event: Event) -> list[Organisation]:
    """The proposing partner first, then the co-hosts who accepted."""
    hosts = [event.organisation] if event.organisation is not None else []
    hosts += sorted(
        (h.organisation for h in event.hosts if h.state == CoHostState.ACCEPTED),
        key=lambda organisation: organisation.name,
    )
    return hosts


def registration_counts(event: Event) -> dict[str, int]:
    """Registrations of the event per state."""
    rows = db.session.execute(
        sa.select(Registration.state, sa.func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.state)
    )
    counts = {state.value: 0 for state in RegistrationState}
    counts.update({RegistrationState(state).value: count for state, count in rows})
    return counts


# --- Registrations ---------------------------------------------------------------------------


def registration_by_token(token: str) -> Registration:
    """The registration a private link names; NotFound for any other token."""
    registration = db.session.scalar(sa.select(Registration).where(Registration.token == token))
    if registration is None:
        raise NotFound(_l("This registration does not exist."))
    return registration


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to get a seat; None when not on the waiting list or when a
    seat is on offer to them (those with an offer are not in the queue for the next one)."""
    if registration.state != RegistrationState.WAITLISTED or registration.offer_expires_at:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.state == RegistrationState.WAITLISTED,
            Registration.offer_expires_at.is_(None),
            Registration.id < registration.id,
        )
    )
    return ahead + 1


def live_registration_for(event_id: int, email: str) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event_id,
            Registration.email == email,
            Registration.state != RegistrationState.CANCELLED,
        )
    )


def live_registrations(event: Event, waitlisted: bool = False) -> list[Registration]:
    """Confirmed registrations (and waitlisted ones if asked), oldest first."""
    states = [RegistrationState.CONFIRMED]
    if waitlisted:
        states.append(RegistrationState.WAITLISTED)
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.state.in_(states))
            .order_by(Registration.id)
        )
    )


# --- Messages to registrants ------------------------------------------------------------------

# Whom each choice of recipients reaches, by the state of their registration.
AUDIENCE_STATES = {
    MessageAudience.ALL: (
        RegistrationState.CONFIRMED,
        RegistrationState.WAITLISTED,
        RegistrationState.ATTENDED,
    ),
    MessageAudience.CONFIRMED: (RegistrationState.CONFIRMED,),
    MessageAudience.WAITLISTED: (RegistrationState.WAITLISTED,),
    MessageAudience.ATTENDED: (RegistrationState.ATTENDED,),
}


def message_recipients(event: Event, audience: MessageAudience) -> sa.Select:
    """The registrations a message to `audience` reaches, oldest first (walk-ins who gave
    no email are not reached)."""
    return (
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.state.in_(AUDIENCE_STATES[audience]),
            Registration.email != "",
        )
        .order_by(Registration.id)
    )


def recipient_counts(event: Event) -> dict[MessageAudience, int]:
    """How many people each choice of recipients reaches."""
    rows = db.session.execute(
        sa.select(Registration.state, sa.func.count())
        .where(Registration.event_id == event.id, Registration.email != "")
        .group_by(Registration.state)
    )
    per_state = {state.value: 0 for state in RegistrationState}
    per_state.update({RegistrationState(state).value: count for state, count in rows})
    return {
        audience: sum(per_state[state.value] for state in states)
        for audience, states in AUDIENCE_STATES.items()
    }


def recipient_locales(event: Event, audience: MessageAudience) -> dict[str, int]:
    """How many of the audience registered in each language."""
    rows = db.session.execute(
        sa.select(Registration.locale, sa.func.count())
        .where(
            Registration.event_id == event.id,
            Registration.state.in_(AUDIENCE_STATES[audience]),
            Registration.email != "",
        )
        .group_by(Registration.locale)
    )
    return dict(rows.all())


def messages_sent_since(event: Event, since: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(EventMessage)
        .where(EventMessage.event_id == event.id, EventMessage.created_at > since)
    )


def messages_to_registrants(event: Event, limit: int = 20) -> list[EventMessage]:
    """The messages sent to the event's registrants, latest first."""
    return list(
        db.session.scalars(
            sa.select(EventMessage)
            .where(EventMessage.event_id == event.id)
            .order_by(EventMessage.created_at.desc(), EventMessage.id.desc())
            .limit(limit)
        )
    )


# --- Backstage -------------------------------------------------------------------------------


def verified_partners(exclude: Iterable[int] = ()) -> list[Organisation]:
    """Verified partners by name, but those in `exclude` (ids)."""
    query = (
        sa.select(Organisation)
        .where(
            Organisation.kind == OrganisationKind.PARTNER,
            Organisation.verified_at.is_not(None),
            Organisation.id.not_in(list(exclude)),
        )
        .order_by(Organisation.name)
    )
    return list(db.session.scalars(query))


def partners_to_invite(event: Event) -> list[Organisation]:
    """Verified partners not yet hosting or invited (those who declined may be asked again)."""
    taken = {host.organisation_id for host in event.hosts if host.state != CoHostState.DECLINED}
    taken.add(event.organisation_id or 0)
    return verified_partners(exclude=taken)


def invitations_awaiting(user: User, event: Event) -> list[EventHost]:
    """The event's invitations to co-host that this person's partners have to answer."""
    mine = member_organisation_ids(user)
    return [
        host
        for host in event.hosts
        if host.organisation_id in mine and host.state == CoHostState.INVITED
    ]


def cohost_invitations_for(user: User) -> list[EventHost]:
    """Invitations to co-host waiting for an answer from the person's partners."""
    organisation_ids = member_organisation_ids(user)
    if not organisation_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(EventHost)
            .join(Event, Event.id == EventHost.event_id)
            .where(
                EventHost.organisation_id.in_(organisation_ids),
                EventHost.state == CoHostState.INVITED,
                Event.state.in_((*EDITABLE_STATES, EventState.PUBLISHED)),
                Event.ends_at > utcnow(),
            )
            .order_by(Event.starts_at)
        )
    )


def events_for_member(user: User) -> list[Event]:
    """Events proposed by the person's partners or co-hosted by them (accepted)."""
    organisation_ids = member_organisation_ids(user)
    if not organisation_ids:
        return []
    cohosted = sa.select(EventHost.event_id).where(
        EventHost.organisation_id.in_(organisation_ids), EventHost.state == CoHostState.ACCEPTED
    )
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(sa.or_(Event.organisation_id.in_(organisation_ids), Event.id.in_(cohosted)))
            .order_by(Event.starts_at.desc())
        )
    )


def proposals_to_review() -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.state == EventState.PROPOSED).order_by(Event.starts_at)
        )
    )


def events_for_staff(state: EventState | None = None) -> sa.Select:
    """Every event, latest first, or those in one state."""
    query = sa.select(Event).order_by(Event.starts_at.desc(), Event.id.desc())
    if state is not None:
        query = query.where(Event.state == state)
    return query
