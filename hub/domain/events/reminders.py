"""Reminders: confirmed registrants hear from us REMINDER_HOURS_BEFORE hours before the event.

A periodic job decides, each time it runs, who is due a reminder now, from the rows as they
are: it queues the email and notes on the registration which start it announced, in one
transaction. Nothing is scheduled in advance, so nothing goes stale: a registration
cancelled or an event cancelled before then is simply not due; an event moved is announced
at the new time (and again if it had been announced already); someone promoted from the
waiting list is reminded if the reminder time had not passed yet. Someone confirmed (or
promoted) after the reminder time is not reminded: the confirmation they just received,
with the same details and files, serves.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from hub.domain import locks
from hub.domain.events.registrations import tell_registrant
from hub.domain.periodic import periodic
from hub.extensions import db
from hub.models import Event, EventState, Registration, RegistrationState


def _not_reminded_of_this_start() -> sa.ColumnElement[bool]:
    return sa.or_(Registration.reminded_for.is_(None), Registration.reminded_for != Event.starts_at)


@periodic("events.reminders", every=timedelta(minutes=5))
def queue_due_reminders(now: datetime, hours_before: int | None = None) -> int:
    """Queue the reminders due at `now`; returns how many were queued.

    Due: a confirmed registration for a published event that starts within the next
    `hours_before` hours (REMINDER_HOURS_BEFORE) and that was not yet announced at this
    start time. Each event is locked while its registrants are read, so a cancellation or a
    move at the same moment is seen either entirely before or entirely after.
    """
    if hours_before is None:
        hours_before = current_app.config["REMINDER_HOURS_BEFORE"]
    ahead = timedelta(hours=hours_before)
    events_due = db.session.scalars(
        sa.select(Event.id)
        .where(
            Event.state == EventState.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + ahead,
            sa.exists().where(
                Registration.event_id == Event.id,
                Registration.state == RegistrationState.CONFIRMED,
                _not_reminded_of_this_start(),
            ),
        )
        .order_by(Event.starts_at, Event.id)
    ).all()
    queued = 0
    for event_id in events_due:
        event = locks.lock_event(event_id)
        if event is None or event.state != EventState.PUBLISHED:
            continue
        if not now < event.starts_at <= now + ahead:
            continue  # moved since it was read
        reminder_time = event.starts_at - ahead
        registrations = db.session.scalars(
            sa.select(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.event_id == event_id,
                Registration.state == RegistrationState.CONFIRMED,
                _not_reminded_of_this_start(),
            )
            .order_by(Registration.id)
        ).all()
        for registration in registrations:
            registration.reminded_for = event.starts_at
            confirmed_late = (
                registration.confirmed_at is not None and registration.confirmed_at >= reminder_time
            )
            if not confirmed_late:
                tell_registrant(registration, "event_reminder", with_files=True)
                queued += 1
    db.session.flush()
    return queued
