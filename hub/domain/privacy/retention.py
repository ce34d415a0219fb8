"""Retention: each kind of personal data is erased once its period (hub/config.py RETENTION)
has passed, by a daily job of the worker.

- registrations (and their answers): anonymised REGISTRATION_RETENTION_DAYS after the event
  ends (hub/domain/privacy/erasure.py); the audit entries about them lose names and addresses;
- feedback comments: emptied FEEDBACK_COMMENT_RETENTION_DAYS after the event (ratings are
  counted already);
- accounts never confirmed: deleted UNCONFIRMED_SIGNUP_RETENTION_DAYS after sign-up;
- emails carrying a link (password reset, sign-up, invitation): deleted once the link has
  expired; invitations themselves too, and the invited address leaves the audit trail;
- every other email: deleted OUTBOX_RETENTION_DAYS after it was sent (or given up).

The impact figures read counts kept at the time (hub/domain/figures/counters.py): nothing
here changes them. A run handles at most BATCH rows of each kind; the rest waits for the
next run, so one run stays short (on SQLite it holds the write lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from hub.config import RETENTION, retention
from hub.domain.periodic import periodic
from hub.domain.privacy.erasure import anonymise_registrations
from hub.extensions import db
from hub.models import (
    AuditEntry,
    Event,
    Feedback,
    Invitation,
    Membership,
    MessageStatus,
    OutboxMessage,
    Registration,
    User,
    utcnow,
)

BATCH = 1000
# Emails whose link expires, and the setting that says when.
LINK_MAIL = {
    "password_reset": "password_reset_links",
    "confirm_signup": "signup_links",
    "organisation_invitation": "invitations",
}


# What each kind of data in the registry (hub/config.py RETENTION) is, for the privacy notice.
KIND_LABELS = {
    "registrations": _l("Registrations: name, email address, answers to the event's questions"),
    "feedback_comments": _l("Comments left about an event (the ratings are only counted)"),
    "unconfirmed_signups": _l("Accounts whose email address was never confirmed"),
    "password_reset_links": _l("Password reset links"),
    "signup_links": _l("Links that confirm a new account"),
    "invitations": _l("Invitations to join a startup or a partner"),
    "sent_mail": _l("Emails sent to you"),
    "leads": _l("Email addresses left for a startup at a demo day"),
}
FROM_LABELS = {
    "event_end": _l("after the event"),
    "sign_up": _l("after signing up"),
    "sending": _l("after sending"),
    "demo_day_end": _l("after the demo day"),
}


@dataclass(frozen=True)
class PublishedPeriod:
    label: str
    length: timedelta
    counted_from: str


def retention_periods() -> list[PublishedPeriod]:
    """The registry, as the privacy notice shows it."""
    return [
        PublishedPeriod(
            str(KIND_LABELS[period.kind]),
            period.length(current_app.config),
            str(FROM_LABELS[period.counted_from]),
        )
        for period in RETENTION
    ]


@dataclass
class RetentionRun:
    registrations: int = 0
    feedback_comments: int = 0
    unconfirmed_signups: int = 0
    invitations: int = 0
    mail: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{name} {count}" for name, count in vars(self).items())


def personal_data_erased_at(event: Event) -> datetime:
    """When the event's registrations (names, addresses, answers) are erased."""
    return event.ends_at + retention(current_app.config, "registrations")


def attendees_erased(event: Event, now: datetime | None = None) -> bool:
    """Whether the event's attendee list has passed its retention (no export any more)."""
    return (now or utcnow()) >= personal_data_erased_at(event)


@periodic("privacy.retention", every=timedelta(days=1), lease=timedelta(hours=1))
def apply_retention(now: datetime) -> RetentionRun:
    """Erase what has passed its retention period at `now`; returns what was erased."""
    config = current_app.config
    run = RetentionRun()
    run.registrations = _anonymise_past_registrations(now - retention(config, "registrations"), now)
    run.feedback_comments = _empty_old_comments(now - retention(config, "feedback_comments"))
    run.unconfirmed_signups = _delete_unconfirmed_accounts(
        now - retention(config, "unconfirmed_signups")
    )
    run.invitations = _delete_expired_invitations(now - retention(config, "invitations"))
    run.mail = _delete_old_mail(now, config)
    db.session.flush()
    return run


def _anonymise_past_registrations(ended_before: datetime, now: datetime) -> int:
    due = db.session.scalars(
        sa.select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.ends_at <= ended_before, Registration.erased_at.is_(None))
        .order_by(Registration.id)
        .limit(BATCH)
    ).all()
    return anonymise_registrations(due, now)


def _empty_old_comments(ended_before: datetime) -> int:
    ids = db.session.scalars(
        sa.select(Feedback.id)
        .join(Event, Event.id == Feedback.event_id)
        .where(Event.ends_at <= ended_before, Feedback.comment != "")
        .order_by(Feedback.id)
        .limit(BATCH)
    ).all()
    if ids:
        db.session.execute(sa.update(Feedback).where(Feedback.id.in_(ids)).values(comment=""))
    return len(ids)


def _delete_unconfirmed_accounts(signed_up_before: datetime) -> int:
    ids = db.session.scalars(
        sa.select(User.id)
        .where(
            User.email_confirmed_at.is_(None),
            User.created_at <= signed_up_before,
            ~sa.exists().where(Membership.user_id == User.id),
        )
        .order_by(User.id)
        .limit(BATCH)
    ).all()
    if ids:
        db.session.execute(
            sa.delete(OutboxMessage).where(
                OutboxMessage.recipient.in_(
                    sa.select(User.email).where(User.id.in_(ids)).scalar_subquery()
                ),
                OutboxMessage.kind.in_(("confirm_signup", "account_exists")),
            )
        )
        db.session.execute(sa.delete(User).where(User.id.in_(ids)))
    return len(ids)


def _delete_expired_invitations(sent_before: datetime) -> int:
    ids = db.session.scalars(
        sa.select(Invitation.id)
        .where(Invitation.created_at <= sent_before)
        .order_by(Invitation.id)
        .limit(BATCH)
    ).all()
    if ids:
        db.session.execute(sa.delete(Invitation).where(Invitation.id.in_(ids)))
    # The invited address leaves the audit trail with the invitation.
    for entry in db.session.scalars(
        sa.select(AuditEntry)
        .where(
            AuditEntry.action == "organisation.member_invited",
            AuditEntry.created_at <= sent_before,
            AuditEntry.details["email"].as_string().is_not(None),
        )
        .limit(BATCH)
    ):
        entry.details = {key: value for key, value in entry.details.items() if key != "email"}
    return len(ids)


def _delete_old_mail(now: datetime, config) -> int:
    done = sa.or_(
        OutboxMessage.status == MessageStatus.SENT, OutboxMessage.status == MessageStatus.FAILED
    )
    kept_until = now - retention(config, "sent_mail")
    old = sa.and_(
        done, sa.func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) <= kept_until
    )
    expired_links = sa.or_(
        *(
            sa.and_(
                OutboxMessage.kind == kind,
                OutboxMessage.created_at <= now - retention(config, period),
            )
            for kind, period in LINK_MAIL.items()
        )
    )
    ids = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status != MessageStatus.SENDING, sa.or_(old, expired_links))
        .order_by(OutboxMessage.id)
        .limit(BATCH)
    ).all()
    if ids:
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    return len(ids)
