"""How it went: attendees rate an event (1 to 5) and may leave a comment, by private link.

Whoever was checked in is sent one email after the event (queued at check-in, scheduled for
the event's end plus FEEDBACK_DELAY); the link is their registration's private link, so no
account is needed. One answer per attendee (a unique constraint); it can be changed until
the event's registrations reach their retention period (REGISTRATION_RETENTION_DAYS after
the event), when the link itself stops working. Hosts see the count, the average and the
comments of their events; staff see all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from hub.domain import audit, locks, outbox
from hub.domain.errors import Conflict, DomainError
from hub.domain.figures import counters
from hub.extensions import db
from hub.models import Event, EventFigures, Feedback, Registration, RegistrationState, utcnow

FEEDBACK_DELAY = timedelta(hours=1)
COMMENT_MAX = 2000
RATINGS = (1, 2, 3, 4, 5)


def feedback_closes_at(event: Event) -> datetime:
    """Until when an attendee may answer or change their answer: the event's retention."""
    return event.ends_at + timedelta(days=current_app.config["REGISTRATION_RETENTION_DAYS"])


def feedback_closed_reason(registration: Registration, now: datetime | None = None):
    """Why this person cannot answer now, or None when they can."""
    now = now or utcnow()
    if registration.state != RegistrationState.ATTENDED:
        return _l("Only people who came to the event are asked how it went.")
    if now < registration.event.ends_at:
        return _l("You can tell us how it went once the event is over.")
    if now >= feedback_closes_at(registration.event):
        return _l("Answers for this event are closed.")
    return None


def request_feedback(registration: Registration) -> None:
    """Queue the "how did it go?" email for after the event (called once, at check-in)."""
    event = registration.event
    outbox.queue(
        registration.email,
        "event_feedback_request",
        registration.locale,
        send_at=max(event.ends_at + FEEDBACK_DELAY, utcnow()),
        registration=registration,
        event=event,
    )


def feedback_of(registration: Registration) -> Feedback | None:
    """The person's answer, if they gave one."""
    return db.session.scalar(sa.select(Feedback).where(Feedback.registration_id == registration.id))


def answer_feedback(registration: Registration, rating: int | None, comment: str) -> Feedback:
    """Record (or change) an attendee's rating and comment; the event's counts follow."""
    if rating not in RATINGS:
        raise DomainError(_l("Choose a rating from 1 to 5."), field="rating")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(
            lazy_ngettext(
                "Keep it under %(num)d character, please.",
                "Keep it under %(num)d characters, please.",
                COMMENT_MAX,
            ),
            field="comment",
        )
    # Under the event's lock: two answers sent at once make one row and one count.
    locks.lock_event(registration.event_id)
    db.session.refresh(registration)
    reason = feedback_closed_reason(registration)
    if reason is not None:
        raise Conflict(reason)
    feedback = feedback_of(registration)
    previous = feedback.rating if feedback is not None else None
    if feedback is None:
        feedback = Feedback(event_id=registration.event_id, registration_id=registration.id)
        db.session.add(feedback)
    feedback.rating = rating
    feedback.comment = comment
    feedback.updated_at = utcnow()
    db.session.flush()
    counters.record_feedback(registration.event, rating, previous)
    audit.record(None, "feedback.changed" if previous else "feedback.given", registration)
    return feedback


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    average: float | None
    comments: list[Feedback]


def feedback_summary(event: Event, comments: int = 50) -> FeedbackSummary:
    """The count and average (from the kept counts) and the latest comments of an event.

    Callers check that the reader manages the event (permissions.managed_event).
    """
    figures = db.session.get(EventFigures, event.id)
    count = figures.feedback_count if figures else 0
    latest = db.session.scalars(
        sa.select(Feedback)
        .where(Feedback.event_id == event.id, Feedback.comment != "")
        .order_by(Feedback.updated_at.desc(), Feedback.id.desc())
        .limit(comments)
    )
    return FeedbackSummary(
        count=count,
        average=round(figures.rating_sum / count, 1) if count else None,
        comments=list(latest),
    )
