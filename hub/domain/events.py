"""Events: proposals by partners, co-hosts, publication by staff, registrations and seats.

Seats: confirmed (and attended) registrations never exceed the capacity. Every change of
seats happens with the event's row locked (SELECT … FOR UPDATE on PostgreSQL; SQLite write
transactions already hold the database's write lock from their BEGIN IMMEDIATE), so two
simultaneous registrations queue up instead of both taking the last seat.
"""

from __future__ import annotations

import csv
import io
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from hub.domain import audit
from hub.domain.accounts import normalise_email
from hub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from hub.domain.mail import queue_email
from hub.domain.rooms import ensure_space_free
from hub.domain.slugs import unique_slug
from hub.extensions import db
from hub.models import (
    AuditEntry,
    CoHostState,
    Event,
    EventHost,
    EventState,
    Membership,
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

# A person who came still holds the seat they booked.
SEAT_HOLDING_STATES = (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)
EDITABLE_STATES = (EventState.DRAFT, EventState.PROPOSED)
RESEND_INTERVAL = timedelta(minutes=10)


def seats_taken_by_event(event_ids: Iterable[int]) -> dict[int, int]:
    """Seats held per event, in one query, for the events given."""
    ids = list(event_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Registration.event_id, sa.func.count())
        .where(Registration.event_id.in_(ids), Registration.state.in_(SEAT_HOLDING_STATES))
        .group_by(Registration.event_id)
    )
    taken = dict.fromkeys(ids, 0)
    taken.update({event_id: count for event_id, count in rows})
    return taken


def seats_left(event: Event) -> int:
    """Seats still free for this event (never below zero)."""
    return max(event.capacity - seats_taken_by_event([event.id])[event.id], 0)


def seats_left_by_event(events: Iterable[Event]) -> dict[int, int]:
    """Seats still free per event, in one query."""
    events = list(events)
    taken = seats_taken_by_event(event.id for event in events)
    return {event.id: max(event.capacity - taken[event.id], 0) for event in events}


# --- Who may do what ---------------------------------------------------------------------


def partner_organisations(user: User | None, verified_only: bool = True) -> list[Organisation]:
    """The partner organisations the person belongs to (verified ones only, by default)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    query = (
        sa.select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id, Organisation.kind == OrganisationKind.PARTNER)
        .order_by(Organisation.name)
    )
    if verified_only:
        query = query.where(Organisation.verified_at.is_not(None))
    return list(db.session.scalars(query))


def _member_org_ids(user: User | None) -> set[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(
            sa.select(Membership.organisation_id).where(Membership.user_id == user.id)
        )
    )


def is_proposer_member(user: User | None, event: Event) -> bool:
    return event.organisation_id is not None and event.organisation_id in _member_org_ids(user)


def accepted_host_org_ids(event: Event) -> set[int]:
    """The proposing partner and the co-hosts who accepted."""
    ids = {host.organisation_id for host in event.hosts if host.state == CoHostState.ACCEPTED}
    if event.organisation_id is not None:
        ids.add(event.organisation_id)
    return ids


def can_manage_event(user: User | None, event: Event) -> bool:
    """Staff, members of the proposing partner and of accepted co-hosts: attendees, check-in."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    return bool(accepted_host_org_ids(event) & _member_org_ids(user))


def can_see_event_backstage(user: User | None, event: Event) -> bool:
    """Managers, and members of partners invited to co-host (to answer the invitation)."""
    if can_manage_event(user, event):
        return True
    invited = {host.organisation_id for host in event.hosts}
    return bool(invited & _member_org_ids(user))


def can_edit_event(user: User | None, event: Event) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return event.state in (*EDITABLE_STATES, EventState.PUBLISHED)
    return event.state in EDITABLE_STATES and is_proposer_member(user, event)


def can_invite_cohosts(user: User | None, event: Event) -> bool:
    if event.state in (EventState.REJECTED, EventState.CANCELLED) or event.organisation is None:
        return False
    if user is not None and getattr(user, "is_staff", False):
        return True
    return is_proposer_member(user, event)


def backstage_event(user: User | None, event_id: int) -> Event:
    """The event for its hosts and staff; NotFound for anyone else, so it does not leak."""
    event = db.session.get(Event, event_id)
    if event is None or not can_see_event_backstage(user, event):
        raise NotFound(_l("This event does not exist."))
    return event


def managed_event(user: User | None, event_id: int) -> Event:
    """The event for those who manage it; NotFound for anyone else."""
    event = db.session.get(Event, event_id)
    if event is None or not can_manage_event(user, event):
        raise NotFound(_l("This event does not exist."))
    return event


# --- Proposals, co-hosts, decisions ------------------------------------------------------


@dataclass
class EventDetails:
    """What a partner or the staff fill in for an event."""

    title: str
    description: str
    kind: str
    audience: str
    language: str
    space_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None


def _check_details(details: EventDetails, *, new: bool) -> Space:
    space = db.session.get(Space, details.space_id)
    if space is None:
        raise DomainError(_l("Choose a room."), field="space_id")
    if details.ends_at <= details.starts_at:
        raise DomainError(_l("The event must end after it starts."), field="ends_at")
    if new and details.starts_at <= utcnow():
        raise DomainError(_l("The event must start in the future."), field="starts_at")
    if details.capacity < 1:
        raise DomainError(_l("Offer at least one seat."), field="capacity")
    if details.capacity > space.capacity:
        raise DomainError(
            _l(
                "This room holds %(capacity)d people at most.",
                capacity=space.capacity,
            ),
            field="capacity",
        )
    opens, closes = details.registration_opens_at, details.registration_closes_at
    if opens and closes and closes <= opens:
        raise DomainError(
            _l("Registrations must close after they open."), field="registration_closes_at"
        )
    if closes and closes > details.ends_at:
        raise DomainError(
            _l("Registrations must close before the event ends."),
            field="registration_closes_at",
        )
    if opens and opens >= details.ends_at:
        raise DomainError(
            _l("Registrations must open before the event ends."), field="registration_opens_at"
        )
    return space


def _apply(event: Event, details: EventDetails) -> None:
    event.title = details.title.strip()
    event.description = details.description.strip()
    event.kind = details.kind
    event.audience = details.audience
    event.language = details.language
    event.space_id = details.space_id
    event.starts_at = details.starts_at
    event.ends_at = details.ends_at
    event.capacity = details.capacity
    event.registration_opens_at = details.registration_opens_at
    event.registration_closes_at = details.registration_closes_at


def propose_event(actor: User, organisation: Organisation, details: EventDetails) -> Event:
    """A member of a verified partner proposes an event; staff review it."""
    if (
        organisation.kind != OrganisationKind.PARTNER
        or not organisation.is_verified
        or organisation.id not in _member_org_ids(actor)
    ):
        raise NotAllowed(
            _l("Only members of a verified partner can propose events."), field="organisation"
        )
    _check_details(details, new=True)
    event = Event(
        slug=unique_slug(Event.slug, f"{details.title} {details.starts_at:%Y-%m-%d}", 150),
        organisation_id=organisation.id,
        created_by_id=actor.id,
        state=EventState.PROPOSED,
    )
    _apply(event, details)
    db.session.add(event)
    audit.record(actor, "event.proposed", event, title=event.title, organisation=organisation.slug)
    return event


def create_event_as_staff(
    actor: User, details: EventDetails, organisation: Organisation | None = None
) -> Event:
    """Staff create an event directly: it is published at once, if the room is free."""
    if not actor.is_staff:
        raise NotAllowed(_l("Only the venue team can create events directly."))
    if organisation is not None and (
        organisation.kind != OrganisationKind.PARTNER or not organisation.is_verified
    ):
        raise DomainError(_l("Choose a verified partner."), field="organisation")
    _check_details(details, new=True)
    ensure_space_free(details.space_id, details.starts_at, details.ends_at)
    event = Event(
        slug=unique_slug(Event.slug, f"{details.title} {details.starts_at:%Y-%m-%d}", 150),
        organisation_id=organisation.id if organisation else None,
        created_by_id=actor.id,
        state=EventState.PUBLISHED,
        published_at=utcnow(),
    )
    _apply(event, details)
    db.session.add(event)
    audit.record(actor, "event.created", event, title=event.title, state=event.state)
    return event


def update_event(actor: User, event: Event, details: EventDetails) -> Event:
    """Edit a proposal (its partner or staff), or a published event (staff only).

    Moving a published event checks the room again; raising its capacity confirms people
    from the waiting list, and the registrants are told of a new time or room.
    """
    if not can_edit_event(actor, event):
        raise NotAllowed(_l("This event can no longer be changed."))
    _check_details(details, new=False)
    if event.state == EventState.PUBLISHED:
        lock_event(event.id)
        taken = seats_taken_by_event([event.id])[event.id]
        if details.capacity < taken:
            raise DomainError(
                _l(
                    "%(count)d people already hold a seat: the capacity cannot go below that.",
                    count=taken,
                ),
                field="capacity",
            )
        moved = (details.space_id, details.starts_at, details.ends_at) != (
            event.space_id,
            event.starts_at,
            event.ends_at,
        )
        if moved:
            ensure_space_free(
                details.space_id, details.starts_at, details.ends_at, ignore_event_id=event.id
            )
    else:
        moved = False
    before = {"starts_at": event.starts_at, "space_id": event.space_id, "capacity": event.capacity}
    _apply(event, details)
    db.session.flush()
    audit.record(actor, "event.updated", event, before=before, moved=moved)
    if event.state == EventState.PUBLISHED:
        if moved:
            for registration in _live_registrations(event, waitlisted=True):
                _mail_registration(registration, "event_moved")
        promote_from_waitlist(event, actor)
    return event


def members_of(organisation_ids: Iterable[int]) -> list[User]:
    ids = list(organisation_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id.in_(ids), User.is_active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )


def _tell_hosts(event: Event, template: str, **context) -> None:
    for user in members_of(accepted_host_org_ids(event)):
        queue_email(
            user.email,
            template,
            user.locale,
            user=user,
            event=event,
            manage_url=url_for("hosting.manage", event_id=event.id, _external=True),
            event_url=url_for("events.detail", slug=event.slug, _external=True),
            **context,
        )


def invite_cohost(actor: User, event: Event, organisation: Organisation) -> EventHost:
    """Invite another verified partner to co-host; its members are told by email."""
    if not can_invite_cohosts(actor, event):
        raise NotAllowed(_l("You cannot invite co-hosts to this event."))
    if organisation.kind != OrganisationKind.PARTNER or not organisation.is_verified:
        raise DomainError(_l("Only verified partners can co-host events."), field="organisation")
    if organisation.id == event.organisation_id:
        raise DomainError(_l("This partner already hosts the event."), field="organisation")
    host = next((h for h in event.hosts if h.organisation_id == organisation.id), None)
    if host is not None and host.state != CoHostState.DECLINED:
        raise Conflict(
            _l("%(name)s is already invited.", name=organisation.name), field="organisation"
        )
    if host is None:
        host = EventHost(organisation=organisation, invited_by_id=actor.id)
        event.hosts.append(host)
    else:
        host.state, host.responded_at, host.invited_by_id = CoHostState.INVITED, None, actor.id
    db.session.flush()
    audit.record(actor, "event.cohost_invited", event, organisation=organisation.slug)
    for user in members_of([organisation.id]):
        queue_email(
            user.email,
            "event_cohost_invitation",
            user.locale,
            user=user,
            event=event,
            organisation=organisation,
            host_name=event.organisation.name if event.organisation else "",
            answer_url=url_for("account.dashboard", _external=True),
        )
    return host


def respond_to_invitation(actor: User, host: EventHost, accept: bool) -> EventHost:
    """A member of the invited partner accepts or declines to co-host."""
    if host.organisation_id not in _member_org_ids(actor):
        raise NotFound(_l("This invitation does not exist."))
    if host.state != CoHostState.INVITED:
        raise Conflict(_l("This invitation has already been answered."))
    if host.event.state in (EventState.REJECTED, EventState.CANCELLED):
        raise Conflict(_l("This event will not take place."))
    host.state = CoHostState.ACCEPTED if accept else CoHostState.DECLINED
    host.responded_at = utcnow()
    audit.record(
        actor,
        "event.cohost_accepted" if accept else "event.cohost_declined",
        host.event,
        organisation=host.organisation.slug,
    )
    return host


def pending_invitations(user: User) -> list[EventHost]:
    """Invitations to co-host waiting for an answer from the person's partners."""
    org_ids = _member_org_ids(user)
    if not org_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(EventHost)
            .join(Event, Event.id == EventHost.event_id)
            .where(
                EventHost.organisation_id.in_(org_ids),
                EventHost.state == CoHostState.INVITED,
                Event.state.in_((*EDITABLE_STATES, EventState.PUBLISHED)),
                Event.ends_at > utcnow(),
            )
            .order_by(Event.starts_at)
        )
    )


def events_for_member(user: User) -> list[Event]:
    """Events proposed by the person's partners or co-hosted by them (accepted)."""
    org_ids = _member_org_ids(user)
    if not org_ids:
        return []
    cohosted = sa.select(EventHost.event_id).where(
        EventHost.organisation_id.in_(org_ids), EventHost.state == CoHostState.ACCEPTED
    )
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(sa.or_(Event.organisation_id.in_(org_ids), Event.id.in_(cohosted)))
            .order_by(Event.starts_at.desc())
        )
    )


def proposals_to_review() -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.state == EventState.PROPOSED).order_by(Event.starts_at)
        )
    )


def lock_event(event_id: int) -> Event | None:
    """Lock the event's row until the transaction ends and read it afresh."""
    return db.session.scalar(
        sa.select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _race_guards_disabled() -> bool:
    # Test-only switch: the concurrency tests' control runs without the lock to prove the race.
    return bool(current_app.config.get("TESTING_DISABLE_RACE_GUARDS"))


def _race_delay() -> None:
    delay = float(current_app.config.get("TESTING_RACE_DELAY") or 0)
    if delay:
        time.sleep(delay)


def publish_event(actor: User, event: Event) -> Event:
    """Staff publish a proposal, if its room is free at that time (checked under a lock)."""
    if not actor.is_staff:
        raise NotAllowed(_l("Only the venue team can publish events."))
    if event.state not in EDITABLE_STATES:
        raise Conflict(_l("Only a proposed event can be published."))
    event_id = event.id
    ensure_space_free(event.space_id, event.starts_at, event.ends_at, ignore_event_id=event_id)
    if _race_guards_disabled():
        # Control: end the checked transaction (and its lock) before writing.
        db.session.rollback()
        _race_delay()
        event = db.session.get(Event, event_id)
    else:
        _race_delay()
    event.state = EventState.PUBLISHED
    event.published_at = utcnow()
    event.decision_message = ""
    audit.record(actor, "event.published", event)
    _tell_hosts(event, "event_published")
    return event


def reject_event(actor: User, event: Event, message: str) -> Event:
    """Staff turn a proposal down, saying why."""
    if not actor.is_staff:
        raise NotAllowed(_l("Only the venue team can reject events."))
    if event.state not in EDITABLE_STATES:
        raise Conflict(_l("Only a proposed event can be rejected."))
    if not message.strip():
        raise DomainError(_l("Tell the partner why."), field="message")
    event.state = EventState.REJECTED
    event.decision_message = message.strip()
    audit.record(actor, "event.rejected", event, message=event.decision_message)
    _tell_hosts(event, "event_rejected", message=event.decision_message)
    return event


def cancel_event(actor: User, event: Event, message: str) -> Event:
    """Staff cancel a published event; every registrant and host is told."""
    if not actor.is_staff:
        raise NotAllowed(_l("Only the venue team can cancel events."))
    if not message.strip():
        raise DomainError(_l("Tell the registrants why."), field="message")
    locked = lock_event(event.id)
    if locked is None or locked.state != EventState.PUBLISHED:
        raise Conflict(_l("Only a published event can be cancelled."))
    event = locked
    event.state = EventState.CANCELLED
    event.decision_message = message.strip()
    registrations = _live_registrations(event, waitlisted=True)
    audit.record(
        actor,
        "event.cancelled",
        event,
        message=event.decision_message,
        registrants=len(registrations),
    )
    for registration in registrations:
        _mail_registration(registration, "event_cancelled", message=event.decision_message)
    _tell_hosts(event, "event_cancelled_hosts", message=event.decision_message)
    return event


# --- The public side ---------------------------------------------------------------------


@dataclass
class AgendaFilters:
    kind: str = ""
    audience: str = ""
    venue: str = ""
    month: str = ""  # YYYY-MM


def upcoming_events(filters: AgendaFilters | None = None) -> sa.Select:
    """Published events that have not ended, soonest first, narrowed by the filters."""
    query = (
        sa.select(Event)
        .join(Space, Space.id == Event.space_id)
        .join(Venue, Venue.id == Space.venue_id)
        .where(Event.state == EventState.PUBLISHED, Event.ends_at > utcnow())
        .order_by(Event.starts_at, Event.id)
        .options(sa.orm.contains_eager(Event.space).contains_eager(Space.venue))
    )
    if filters is None:
        return query
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    if filters.audience:
        query = query.where(Event.audience == filters.audience)
    if filters.venue:
        query = query.where(Venue.slug == filters.venue)
    if filters.month:
        # Months as the reader counts them, in the display time zone, not in UTC.
        try:
            start = datetime.strptime(filters.month, "%Y-%m").replace(tzinfo=display_zone())
        except ValueError:
            return query
        end = (
            start.replace(year=start.year + 1, month=1)
            if start.month == 12
            else start.replace(month=start.month + 1)
        )
        query = query.where(Event.starts_at >= start, Event.starts_at < end)
    return query


def upcoming_events_for_host(organisation: Organisation, limit: int = 20) -> list[Event]:
    """Upcoming published events the organisation proposed or co-hosts (accepted)."""
    cohosted = sa.select(EventHost.event_id).where(
        EventHost.organisation_id == organisation.id, EventHost.state == CoHostState.ACCEPTED
    )
    query = upcoming_events().where(
        sa.or_(Event.organisation_id == organisation.id, Event.id.in_(cohosted))
    )
    return list(db.session.scalars(query.limit(limit)).unique())


def public_event(slug: str) -> Event:
    """A published (or cancelled, so links keep answering) event by its slug."""
    event = db.session.scalar(
        sa.select(Event).where(
            Event.slug == slug, Event.state.in_((EventState.PUBLISHED, EventState.CANCELLED))
        )
    )
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


def registration_closed_reason(event: Event, now: datetime | None = None):
    """Why registration is not possible now, or None when it is open."""
    now = now or utcnow()
    if event.state == EventState.CANCELLED:
        return _l("This event is cancelled.")
    if event.state != EventState.PUBLISHED:
        return _l("Registrations are not open for this event.")
    if event.starts_at <= now:
        return _l("This event has started: registrations are closed.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _l("Registrations are not open yet.")
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _l("Registrations are closed.")
    return None


@dataclass
class RegistrationOutcome:
    registration: Registration
    created: bool  # False: this email already had a live registration


def new_registration_token() -> str:
    return secrets.token_urlsafe(32)


def register_for_event(
    event: Event,
    name: str,
    email: str,
    consent: bool,
    locale: str,
    user: User | None = None,
) -> RegistrationOutcome:
    """Register a person: confirmed while seats are left, else on the waiting list.

    One live registration per email and event: a second attempt changes nothing and sends
    the private link again to that address (the answer reveals nothing else).
    """
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise DomainError(_l("Tell us your name."), field="name")
    if not consent:
        raise DomainError(_l("Please agree to be contacted about this event."), field="consent")
    guarded = not _race_guards_disabled()
    event_id = event.id
    locked = lock_event(event_id) if guarded else db.session.get(Event, event_id)
    if locked is None:
        raise NotFound(_l("This event does not exist."))
    event = locked
    reason = registration_closed_reason(event)
    if reason is not None:
        raise Conflict(reason)
    existing = _live_registration_for(event.id, email)
    if existing is not None:
        _resend_private_link(existing, user)
        return RegistrationOutcome(existing, created=False)
    taken = seats_taken_by_event([event.id])[event.id]
    capacity = event.capacity
    if not guarded:
        # Control: end the read before writing, as a read-then-write check would.
        db.session.rollback()
    _race_delay()
    state = RegistrationState.CONFIRMED if taken < capacity else RegistrationState.WAITLISTED
    registration = Registration(
        event_id=event_id,
        user_id=user.id if user is not None and getattr(user, "is_authenticated", False) else None,
        name=name[:120],
        email=email,
        consent=True,
        locale=locale,
        state=state,
        token=new_registration_token(),
        confirmed_at=utcnow() if state == RegistrationState.CONFIRMED else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(registration)
    except IntegrityError:
        # The unique index is the last word on duplicates, whatever got past the lock.
        existing = _live_registration_for(event_id, email)
        if existing is None:
            raise
        _resend_private_link(existing, user)
        return RegistrationOutcome(existing, created=False)
    audit.record(user, f"registration.{state.value}", registration, event=event_id)
    if state == RegistrationState.CONFIRMED:
        _mail_registration(registration, "event_registration_confirmed", with_files=True)
    else:
        _mail_registration(
            registration, "event_registration_waitlisted", position=waitlist_position(registration)
        )
    return RegistrationOutcome(registration, created=True)


def _resend_private_link(registration: Registration, user: User | None) -> None:
    """Email the private link again, at most once per RESEND_INTERVAL per registration.

    Anyone can type an address into the public form: the pause keeps it from being used to
    flood that inbox, while the page still answers the same way.
    """
    recently = db.session.scalar(
        sa.select(
            sa.exists().where(
                AuditEntry.action == "registration.link_resent",
                AuditEntry.target_type == Registration.__tablename__,
                AuditEntry.target_id == registration.id,
                AuditEntry.created_at > utcnow() - RESEND_INTERVAL,
            )
        )
    )
    if recently:
        return
    _mail_registration(registration, "event_registration_reminder")
    audit.record(user, "registration.link_resent", registration)


def _live_registration_for(event_id: int, email: str) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event_id,
            Registration.email == email,
            Registration.state != RegistrationState.CANCELLED,
        )
    )


def _live_registrations(event: Event, waitlisted: bool = False) -> list[Registration]:
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


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to get a seat; None when not on the waiting list."""
    if registration.state != RegistrationState.WAITLISTED:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.state == RegistrationState.WAITLISTED,
            Registration.id < registration.id,
        )
    )
    return ahead + 1


def registration_by_token(token: str) -> Registration:
    registration = db.session.scalar(sa.select(Registration).where(Registration.token == token))
    if registration is None:
        raise NotFound(_l("This registration does not exist."))
    return registration


def cancel_registration(registration: Registration, actor: User | None = None) -> bool:
    """Cancel a registration; a freed seat goes to the oldest waitlisted person.

    Idempotent: cancelling a cancelled registration changes nothing and returns False.
    """
    lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.state == RegistrationState.CANCELLED:
        return False
    if registration.state == RegistrationState.ATTENDED:
        raise Conflict(_l("You came to this event: this registration can no longer be cancelled."))
    held_seat = registration.state == RegistrationState.CONFIRMED
    previous = registration.state
    registration.state = RegistrationState.CANCELLED
    registration.cancelled_at = utcnow()
    db.session.flush()
    audit.record(actor, "registration.cancelled", registration, previous=previous)
    if held_seat and registration.event.state == EventState.PUBLISHED:
        promote_from_waitlist(registration.event, actor)
    return True


def promote_from_waitlist(event: Event, actor: User | None = None) -> list[Registration]:
    """Give free seats to the oldest waitlisted people, who are told by email.

    Call with the event's row locked (cancel_registration and update_event do).
    """
    free = event.capacity - seats_taken_by_event([event.id])[event.id]
    if free <= 0 or event.starts_at <= utcnow():
        return []
    promoted = list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.state == RegistrationState.WAITLISTED,
            )
            .order_by(Registration.id)
            .limit(free)
        )
    )
    for registration in promoted:
        registration.state = RegistrationState.CONFIRMED
        registration.confirmed_at = utcnow()
        audit.record(actor, "registration.promoted", registration, event=event.slug)
        _mail_registration(registration, "event_registration_promoted", with_files=True)
    db.session.flush()
    return promoted


def check_in(actor: User, registration: Registration) -> bool:
    """Mark a confirmed person as attended. Returns False if they were already checked in."""
    if not can_manage_event(actor, registration.event):
        raise NotFound(_l("This registration does not exist."))
    if registration.state == RegistrationState.ATTENDED:
        return False
    if registration.state != RegistrationState.CONFIRMED:
        raise Conflict(_l("%(name)s has no confirmed seat for this event.", name=registration.name))
    registration.state = RegistrationState.ATTENDED
    registration.attended_at = utcnow()
    audit.record(actor, "registration.attended", registration)
    return True


def attendees(event: Event, search: str = "", state: str = "") -> sa.Select:
    """The event's registrations for its hosts, filtered by a name/email search and a state."""
    query = sa.select(Registration).where(Registration.event_id == event.id)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            sa.or_(sa.func.lower(Registration.name).like(pattern), Registration.email.like(pattern))
        )
    if state in {s.value for s in RegistrationState}:
        query = query.where(Registration.state == state)
    return query.order_by(Registration.name, Registration.id)


def registration_counts(event: Event) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Registration.state, sa.func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.state)
    )
    counts = {state.value: 0 for state in RegistrationState}
    counts.update({str(getattr(state, "value", state)): count for state, count in rows})
    return counts


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> str:
    """A spreadsheet never runs a cell as a formula: risky starts get a leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def attendees_csv(event: Event, header: list[str]) -> str:
    """The attendee list as CSV, every cell neutralised against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise_cell(cell) for cell in header])
    query = attendees(event).order_by(None).order_by(Registration.id)
    for registration in db.session.scalars(query):
        writer.writerow(
            neutralise_cell(cell)
            for cell in (
                registration.name,
                registration.email,
                registration.state.value,
                registration.created_at.isoformat(timespec="seconds"),
                registration.attended_at.isoformat(timespec="seconds")
                if registration.attended_at
                else "",
                "yes" if registration.consent else "no",
            )
        )
    return buffer.getvalue()


def _mail_registration(registration: Registration, template: str, with_files=False, **context):
    from hub.domain.event_calendar import event_calendar, registration_qr_svg

    event = registration.event
    attachments = []
    if with_files:
        attachments = [
            {
                "filename": f"{event.slug}.ics",
                "content_type": "text/calendar; charset=utf-8",
                "content": event_calendar([event]).decode(),
            },
            {
                "filename": "check-in-qr-code.svg",
                "content_type": "image/svg+xml",
                "content": registration_qr_svg(registration),
            },
        ]
    context.setdefault("position", waitlist_position(registration))
    queue_email(
        registration.email,
        template,
        registration.locale,
        attachments=attachments,
        registration=registration,
        event=event,
        private_url=url_for("events.my_registration", token=registration.token, _external=True),
        event_url=url_for("events.detail", slug=event.slug, _external=True),
        **context,
    )
