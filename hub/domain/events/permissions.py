"""Who may see, manage, edit an event or invite co-hosts; the event as each of them sees it."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain.errors import NotFound
from hub.extensions import db
from hub.models import CoHostState, Event, EventState, Membership, User

# A proposal can still be changed (by its partner or staff), published or rejected.
EDITABLE_STATES = (EventState.DRAFT, EventState.PROPOSED)


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def member_organisation_ids(user: User | None) -> set[int]:
    """The organisations the person belongs to (none for a visitor)."""
    if not _signed_in(user):
        return set()
    return set(
        db.session.scalars(
            sa.select(Membership.organisation_id).where(Membership.user_id == user.id)
        )
    )


def is_proposer_member(user: User | None, event: Event) -> bool:
    return event.organisation_id is not None and event.organisation_id in member_organisation_ids(
        user
    )


def accepted_host_ids(event: Event) -> set[int]:
    """The proposing partner and the co-hosts who accepted."""
    ids = {host.organisation_id for host in event.hosts if host.state == CoHostState.ACCEPTED}
    if event.organisation_id is not None:
        ids.add(event.organisation_id)
    return ids


def can_manage_event(user: User | None, event: Event) -> bool:
    """Staff, members of the proposing partner and of accepted co-hosts: attendees, check-in."""
    if not _signed_in(user):
        return False
    if user.is_staff:
        return True
    return bool(accepted_host_ids(event) & member_organisation_ids(user))


def can_see_event_backstage(user: User | None, event: Event) -> bool:
    """Managers, and members of partners invited to co-host (to answer the invitation)."""
    if can_manage_event(user, event):
        return True
    invited = {host.organisation_id for host in event.hosts}
    return bool(invited & member_organisation_ids(user))


def can_edit_event(user: User | None, event: Event) -> bool:
    if not _signed_in(user):
        return False
    if user.is_staff:
        return event.state in (*EDITABLE_STATES, EventState.PUBLISHED)
    return event.state in EDITABLE_STATES and is_proposer_member(user, event)


def can_invite_cohosts(user: User | None, event: Event) -> bool:
    if event.state in (EventState.REJECTED, EventState.CANCELLED) or event.organisation is None:
        return False
    if _signed_in(user) and user.is_staff:
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


def editable_event(user: User | None, event_id: int) -> Event:
    """The event for those who may change it now; NotFound for anyone else."""
    event = backstage_event(user, event_id)
    if not can_edit_event(user, event):
        raise NotFound(_l("This event does not exist."))
    return event


def event_open_to_cohosts(user: User | None, event_id: int) -> Event:
    """The event for those who may invite co-hosts to it; NotFound for anyone else."""
    event = backstage_event(user, event_id)
    if not can_invite_cohosts(user, event):
        raise NotFound(_l("This event does not exist."))
    return event
