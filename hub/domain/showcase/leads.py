"""At the stand: a visitor scans the startup's card, says they are interested and, only if
they choose, leaves their email for that startup. The startup downloads its leads; they are
erased LEAD_RETENTION_DAYS after the demo day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from hub.domain import audit, locks
from hub.domain.errors import DomainError, NotFound
from hub.domain.innovations.featuring import register_interest
from hub.domain.innovations.queries import is_public
from hub.domain.organisations.members import can_manage
from hub.domain.periodic import periodic
from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    Lead,
    Organisation,
    ShowcaseSlot,
    SlotStatus,
    User,
    utcnow,
)

ERASE_BATCH = 1000


def stand_application(slot_id: int, application_id: int) -> Application:
    """A startup confirmed for a demo day that is not cancelled, its innovation public."""
    application = db.session.get(Application, application_id)
    if (
        application is None
        or application.slot_id != slot_id
        or application.state != ApplicationState.CONFIRMED
        or application.slot.status == SlotStatus.CANCELLED
        or not is_public(application.innovation)
    ):
        raise NotFound(_l("This stand does not exist."))
    return application


def show_interest(application: Application, visitor: User | None = None) -> int:
    """One more visitor interested in the innovation shown at the stand (the same count as
    the innovation's page); returns the new count."""
    return register_interest(application.innovation, visitor)


def consent_sentence(application: Application) -> str:
    """What the visitor agrees to, in their language, kept beside their email."""
    return str(
        _l(
            "I agree that %(startup)s receives my email address to contact me about "
            "%(innovation)s. Atelier Hub erases it %(days)d days after the demo day.",
            startup=application.organisation.name,
            innovation=application.innovation.title,
            days=current_app.config["LEAD_RETENTION_DAYS"],
        )
    )


def leave_email(application: Application, email: str, consent: bool) -> Lead:
    """Keep the visitor's email for this startup only, if they agreed to the sentence."""
    if not consent:
        raise DomainError(
            _l("Tick the box to agree, or simply leave without your email."), field="consent"
        )
    try:
        email = validate_email((email or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise DomainError(_l("Enter a valid email address."), field="email") from None
    existing = db.session.scalar(
        sa.select(Lead).where(Lead.application_id == application.id, Lead.email == email)
    )
    if existing is not None:
        return existing
    lead = Lead(
        application_id=application.id,
        slot_id=application.slot_id,
        email=email,
        consent=consent_sentence(application),
    )
    db.session.add(lead)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # The same email sent twice at once: the first one is kept.
        return db.session.scalar(
            sa.select(Lead).where(Lead.application_id == application.id, Lead.email == email)
        )
    audit.record(None, "lead.left", application, slot_id=application.slot_id)
    return lead


def leads_for_member(user: User, organisation: Organisation, application: Application):
    """The leads of the startup's application, oldest first, once the demo day has started.

    Another startup's application is NotFound.
    """
    if application.organisation_id != organisation.id or not can_manage(user, organisation):
        raise NotFound(_l("This application does not exist or belongs to another startup."))
    if application.state not in locks.SLOT_SEAT_STATES:
        raise NotFound(_l("This application has no stand."))
    if not leads_open(application.slot):
        raise DomainError(_l("Leads can be downloaded once the demo day has started."))
    return list(
        db.session.scalars(
            sa.select(Lead)
            .where(Lead.application_id == application.id)
            .order_by(Lead.created_at, Lead.id)
        )
    )


def leads_open(slot: ShowcaseSlot) -> bool:
    return slot.starts_at <= utcnow()


def lead_count(application: Application) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Lead).where(Lead.application_id == application.id)
    )


def erase_after(slot: ShowcaseSlot) -> datetime:
    """When the leads of a demo day are erased."""
    return slot.ends_at + timedelta(days=current_app.config["LEAD_RETENTION_DAYS"])


@periodic("showcase.lead_retention", every=timedelta(hours=6))
def erase_expired_leads(now: datetime) -> int:
    """Erase the leads of demo days that ended more than LEAD_RETENTION_DAYS ago.

    Works in batches so that one run stays short; returns how many were erased.
    """
    limit = now - timedelta(days=current_app.config["LEAD_RETENTION_DAYS"])
    expired = (
        sa.select(Lead.id)
        .join(ShowcaseSlot, Lead.slot_id == ShowcaseSlot.id)
        .where(ShowcaseSlot.ends_at <= limit)
        .limit(ERASE_BATCH)
    )
    ids = list(db.session.scalars(expired))
    if not ids:
        return 0
    db.session.execute(sa.delete(Lead).where(Lead.id.in_(ids)))
    return len(ids)
