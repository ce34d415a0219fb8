"""The venue team's decisions on events: publish, reject, cancel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.domain import audit, locks
from hub.domain.errors import Conflict, DomainError, NotAllowed
from hub.domain.events.cohosts import tell_hosts
from hub.domain.events.permissions import EDITABLE_STATES
from hub.domain.events.queries import live_registrations
from hub.domain.events.registrations import tell_registrant
from hub.domain.figures import counters
from hub.domain.rooms import ensure_space_free
from hub.models import Event, EventState, User, utcnow


def publish_event(actor: User, event: Event) -> Event:
    """Staff publish a proposal, if its room is free at that time (checked under a lock)."""
    if not actor.is_staff:
        raise NotAllowed(_l("Only the venue team can publish events."))
    if event.state not in EDITABLE_STATES:
        raise Conflict(_l("Only a proposed event can be published."))
    ensure_space_free(event.space_id, event.starts_at, event.ends_at, ignore_event_id=event.id)
    event.state = EventState.PUBLISHED
    event.published_at = utcnow()
    event.decision_message = ""
    counters.record_event(event)
    audit.record(actor, "event.published", event)
    tell_hosts(event, "event_published")
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
    tell_hosts(event, "event_rejected", message=event.decision_message)
    return event


def cancel_event(actor: User, event: Event, message: str) -> Event:
    """Staff cancel a published event; every registrant and host is told."""
    if not actor.is_staff:
        raise NotAllowed(_l("Only the venue team can cancel events."))
    if not message.strip():
        raise DomainError(_l("Tell the registrants why."), field="message")
    locked = locks.lock_event(event.id)
    if locked is None or locked.state != EventState.PUBLISHED:
        raise Conflict(_l("Only a published event can be cancelled."))
    event = locked
    event.state = EventState.CANCELLED
    event.decision_message = message.strip()
    counters.record_event(event)
    registrations = live_registrations(event, waitlisted=True)
    audit.record(
        actor,
        "event.cancelled",
        event,
        message=event.decision_message,
        registrants=len(registrations),
    )
    for registration in registrations:
        tell_registrant(registration, "event_cancelled", message=event.decision_message)
    tell_hosts(event, "event_cancelled_hosts", message=event.decision_message)
    return event
