"""The worker without its guards: the control of the worker race tests.

It replaces the outbox claim and the periodic job lease with what they exist to prevent: a
message or a job read as due without a lock, then taken after a pause (RACE_PAUSE seconds)
by an unconditional update. The controls must then show a message sent twice and a job run
twice in one interval; the guarded tests run the production code unchanged.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

import sqlalchemy as sa

from hub import worker
from hub.database import write_intent
from hub.domain.periodic import PeriodicJob
from hub.extensions import db
from hub.mail import delivery
from hub.models import JobSchedule, MessageStatus, OutboxMessage
from tests.concurrency.worker_app import app

PAUSE = float(os.environ.get("RACE_PAUSE", "0.3"))


def claim_without_guard(holder: str, now: datetime) -> int | None:
    with write_intent(False):
        message_id = db.session.scalar(delivery.next_due_message(now))
        db.session.commit()
    if message_id is None:
        return None
    time.sleep(PAUSE)
    with write_intent(True):
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(status=MessageStatus.SENDING, claimed_at=now, claimed_by=holder)
        )
        db.session.commit()
    return message_id


def take_lease_without_guard(job: PeriodicJob, holder: str, now: datetime) -> bool:
    with write_intent(False):
        next_run_at = db.session.scalar(
            sa.select(JobSchedule.next_run_at).where(JobSchedule.name == job.name)
        )
        db.session.commit()
    if next_run_at > now:
        return False
    time.sleep(PAUSE)
    return True


def finish_lease_without_guard(job: PeriodicJob, holder: str, now: datetime) -> bool:
    db.session.execute(
        sa.update(JobSchedule)
        .where(JobSchedule.name == job.name)
        .values(next_run_at=now + job.every, runs=JobSchedule.runs + 1)
    )
    return True


delivery.claim_next_message = claim_without_guard
worker.take_lease = take_lease_without_guard
worker.finish_lease = finish_lease_without_guard

__all__ = ["app"]
