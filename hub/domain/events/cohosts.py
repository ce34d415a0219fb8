"""Co-hosts: a partner invites other partners, who accept or decline."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain import audit, outbox
from hub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from hub.domain.events.permissions import (
    accepted_host_ids,
    can_invite_cohosts,
    member_organisation_ids,
)
from hub.extensions import db
from hub.models import (
    CoHostState,
    Event,
    EventHost,
    EventState,
    Membership,
    Organisation,
    OrganisationKind,
    User,
    utcnow,
)


def active_members(organisation_ids) -> list[User]:
    """The active people who belong to any of these organisations."""
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


def tell_hosts(event: Event, template: str, **context) -> None:
    """Email the members of the proposing partner and of the co-hosts who accepted."""
    for user in active_members(accepted_host_ids(event)):
        outbox.queue(user.email, template, user.locale, user=user, event=event, **context)


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
    for user in active_members([organisation.id]):
        outbox.queue(
            user.email,
            "event_cohost_invitation",
            user.locale,
            user=user,
            event=event,
            organisation=organisation,
            host_name=event.organisation.name if event.organisation else "",
        )
    return host


def respond_to_invitation(actor: User, host: EventHost | None, accept: bool) -> EventHost:
    """A member of the invited partner accepts or declines to co-host."""
    if host is None or host.organisation_id not in member_organisation_ids(actor):
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
