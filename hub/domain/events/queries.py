"""What pages and the API list about events: the agenda, an event's page, the backstage lists.

Each function answers in a fixed number of queries, whatever the amount of data.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import islice
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.database import padded
from hub.domain import locks
from hub.domain.errors import NotFound
from hub.domain.events.permissions import EDITABLE_STATES, member_organisation_ids
from hub.domain.kept import Memo, kept
from hub.domain.pages import Page
from hub.extensions import db
from hub.models import (
    Audience,
    CoHostState,
    Event,
    EventHost,
    EventKind,
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
    *, host: Organisation | None = None, with_seats_only: bool = False
) -> sa.Select:
    """Published events that have not ended, soonest first, their room and venue loaded.

    Narrowed to one host's events, or to those with seats left; the agenda's filters are
    answered by its index (`agenda_selection`).
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
    return query


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# (kind, audience, venue slug, month): what the agenda's filters choose between.
GroupKey = tuple[str, str, str, str]


class AgendaVenue(NamedTuple):
    slug: str
    city: str
    timezone: str


def _microseconds(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


class AgendaGroup(NamedTuple):
    """The events of one (kind, audience, venue, month), soonest first, as three arrays of
    integers (a kept index costs a few bytes per event): start and end in microseconds."""

    starts: array
    ids: array
    ends: array
    last_end: int


@dataclass(frozen=True)
class AgendaIndex:
    """The upcoming published events as the agenda's filters see them, without their rows.

    Every event ends after `first_end` (microseconds), so before it none has ended.
    """

    groups: dict[GroupKey, AgendaGroup]
    everything: AgendaGroup  # all of them: the unfiltered agenda, any page a slice of it
    first_end: int | None
    venues: tuple[AgendaVenue, ...]  # every venue, by city then name


def agenda_index() -> AgendaIndex:
    """The agenda's index read from the database (two queries); kept per content version."""
    rows = db.session.execute(
        sa.select(Event.kind, Event.audience, Venue.slug, Event.starts_at, Event.id, Event.ends_at)
        .select_from(Event)
        .join(Space, Space.id == Event.space_id)
        .join(Venue, Venue.id == Space.venue_id)
        .where(Event.state == EventState.PUBLISHED, Event.ends_at > utcnow())
        .order_by(Event.starts_at, Event.id)
    )
    zone = display_zone()
    columns: dict[GroupKey, tuple[array, array, array]] = {}
    every = (array("q"), array("q"), array("q"))
    for kind, audience, venue, starts_at, event_id, ends_at in rows:
        key = (kind.value, audience.value, venue, f"{starts_at.astimezone(zone):%Y-%m}")
        event = (_microseconds(starts_at), event_id, _microseconds(ends_at))
        for column, value in zip(every, event, strict=True):
            column.append(value)
        group = columns.setdefault(key, (array("q"), array("q"), array("q")))
        for column, value in zip(group, event, strict=True):
            column.append(value)
    venues = db.session.execute(
        sa.select(Venue.slug, Venue.city, Venue.timezone).order_by(Venue.city, Venue.name)
    )
    return AgendaIndex(
        groups={key: AgendaGroup(*arrays, max(arrays[2])) for key, arrays in columns.items()},
        everything=AgendaGroup(*every, max(every[2], default=0)),
        first_end=min(every[2], default=None),
        venues=tuple(AgendaVenue(*venue) for venue in venues),
    )


@dataclass
class Agenda:
    """One page of the agenda and what its filters offer."""

    page: Page  # of AgendaItem
    venues: list[AgendaVenue]  # with an upcoming event the other filters keep, and the chosen one
    months: list[str]  # "2027-03", likewise, in the display time zone


class AgendaSelection(NamedTuple):
    """What the agenda's filters keep: one page of ids, soonest first, how many in all, and
    the venues and months to choose from."""

    ids: list[int]
    total: int
    venues: list[AgendaVenue]
    months: list[str]


def agenda(filters: AgendaFilters, page: int, per_page: int, memo: Memo | None = None) -> Agenda:
    """A page of the agenda's cards, with the venues and months to choose from: one query
    for the page's rows, the rest from the agenda's index."""
    chosen = agenda_selection(filters, page, per_page, memo)
    items = _agenda_items(chosen.ids)
    return Agenda(
        page=Page(items=items, page=page, per_page=per_page, total=chosen.total),
        venues=chosen.venues,
        months=chosen.months,
    )


def upcoming_page(
    filters: AgendaFilters, page: int, per_page: int, memo: Memo | None = None
) -> Page:
    """A page of the agenda as whole events with their seats left (the API's)."""
    chosen = agenda_selection(filters, page, per_page, memo)
    found = {}
    if chosen.ids:
        query = upcoming_events().where(Event.id.in_(padded(chosen.ids)))
        found = {item.event.id: item for item in upcoming_with_seats(query)}
    items = [found[id_] for id_ in chosen.ids if id_ in found]
    return Page(items=items, page=page, per_page=per_page, total=chosen.total)


def agenda_selection(
    filters: AgendaFilters, page: int, per_page: int, memo: Memo | None = None
) -> AgendaSelection:
    """The upcoming events the filters keep, from the agenda's index alone (kept per content
    version through `memo`, the public cache's)."""
    index = kept(memo, "events.agenda", agenda_index)
    now = _microseconds(utcnow())
    ended = index.first_end is not None and index.first_end <= now
    kind, audience, venue, month = filters.kind, filters.audience, filters.venue, filters.month
    matching, venues, months = [], set(), set()
    for key, group in index.groups.items():
        if (kind and key[0] != kind) or (audience and key[1] != audience):
            continue
        if ended and group.last_end <= now:
            continue
        venue_kept = not venue or key[2] == venue
        month_kept = not month or key[3] == month
        if month_kept:
            venues.add(key[2])
        if venue_kept:
            months.add(key[3])
            if month_kept:
                matching.append(group)
    if not any((kind, audience, venue, month)):
        matching = [index.everything]  # one group in order: no merge
    if ended:  # some events of the index have ended since it was read: leave them out
        entries = [
            [(start, id_) for start, id_, end in zip(*group[:3], strict=True) if end > now]
            for group in matching
        ]
        total = sum(map(len, entries))
    else:
        entries = [zip(group.starts, group.ids, strict=True) for group in matching]
        total = sum(len(group.ids) for group in matching)
    offset = (page - 1) * per_page
    ids = [id_ for _, id_ in islice(heapq.merge(*entries), offset, offset + per_page)]
    return AgendaSelection(
        ids=ids,
        total=total,
        venues=[v for v in index.venues if v.slug in venues or v.slug == filters.venue],
        months=sorted(months | ({filters.month} if filters.month else set())),
    )


class AgendaHost(NamedTuple):
    name: str
    logo: str | None


@dataclass(frozen=True)
class AgendaItem:
    """An upcoming event as an agenda card shows it: only the columns the card reads."""

    slug: str
    title: str
    image: str | None
    image_alt: str
    starts_at: datetime
    ends_at: datetime
    kind: EventKind
    audience: Audience
    venue: AgendaVenue  # its timezone places the times (hub/timezones.py)
    organisation: AgendaHost | None
    seats_left: int


@cache
def _agenda_items_statement() -> sa.Select:
    # Built once: constructing a statement of this size costs more than running it.
    return (
        sa.select(
            Event.id,
            Event.slug,
            Event.title,
            Event.image,
            Event.image_alt,
            Event.starts_at,
            Event.ends_at,
            Event.kind,
            Event.audience,
            Venue.slug,
            Venue.city,
            Venue.timezone,
            Organisation.name,
            Organisation.logo,
            Event.capacity - _seats_taken_column(),
        )
        .select_from(Event)
        .join(Space, Space.id == Event.space_id)
        .join(Venue, Venue.id == Space.venue_id)
        .outerjoin(Organisation, Organisation.id == Event.organisation_id)
        .where(
            Event.id.in_(sa.bindparam("ids", expanding=True)),
            Event.state == EventState.PUBLISHED,
        )
    )


def _agenda_items(ids: list[int]) -> list[AgendaItem]:
    """These events as agenda cards with their seats left, in the order of `ids` (one query)."""
    if not ids:
        return []
    rows = db.session.execute(_agenda_items_statement(), {"ids": padded(ids)})
    found = {
        row[0]: AgendaItem(
            *row[1:9],
            venue=AgendaVenue(*row[9:12]),
            organisation=AgendaHost(row[12], row[13]) if row[12] is not None else None,
            seats_left=max(row[14], 0),
        )
        for row in rows
    }
    return [found[event_id] for event_id in ids if event_id in found]


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
            # Joined too: most events have no co-host, and a second query would ask anyway.
            sa.orm.joinedload(Event.hosts).joinedload(EventHost.organisation),
        )
    )


def public_event(slug: str) -> Event:
    """A published (or cancelled, so links keep answering) event by its slug."""
    result = db.session.execute(_public_event_by_slug(), {"slug": slug})
    event = result.unique().scalar_one_or_none()
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
    """Every event, latest first, or those in one state, with the room and venue it shows."""
    query = (
        sa.select(Event)
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .options(sa.orm.joinedload(Event.space).joinedload(Space.venue))
    )
    if state is not None:
        query = query.where(Event.state == state)
    return query
