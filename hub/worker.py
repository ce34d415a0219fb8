"""The long-running worker: `flask --app hub worker`.

One loop over the database, no broker: every WORKER_POLL_SECONDS it runs the periodic
jobs that are due (hub/domain/periodic.py) and delivers the outbox's due mail, including
mail scheduled for later (hub/mail/delivery.py). Several workers may run at once on
several machines:

- a message is claimed before it is sent (delivery.py), so none is sent twice;
- a periodic job runs only under its lease (a conditional update of its row in
  `job_schedules`), and its writes are committed together with the date of its next run
  only if this worker still holds the lease: one run per interval, even if a lease ran out;
- SIGTERM or SIGINT lets the message in hand (or the job) finish, then the worker exits;
  a worker killed outright leaves a claim that another takes back (MAIL_SENDING_TIMEOUT)
  and a lease that expires.

Why not a job library: the outbox already is a queue in the database, both databases must
work (SQLite on a laptop), and periodic jobs need only a lease row each. Celery, RQ or
Dramatiq would add a broker; procrastinate is PostgreSQL-only; APScheduler 3 does not
coordinate several machines. The whole mechanism is this file and two tables.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError

from hub.database import write_intent
from hub.domain.periodic import PeriodicJob, declared_jobs
from hub.extensions import db
from hub.mail.delivery import deliver_pending, process_name
from hub.models import JobSchedule, utcnow

log = logging.getLogger("hub.worker")
# A job that failed is tried again after this, or after its interval if shorter.
RETRY_FAILED_JOB = timedelta(minutes=5)


# --- Periodic jobs ---------------------------------------------------------------------------


def ensure_schedules(jobs: Iterable[PeriodicJob], now: datetime) -> None:
    """A schedule row for each job, due at once the first time it is seen."""
    with write_intent(True):
        known = set(db.session.scalars(sa.select(JobSchedule.name)))
        for job in jobs:
            if job.name in known:
                continue
            try:
                with db.session.begin_nested():
                    db.session.add(JobSchedule(name=job.name, next_run_at=now))
            except IntegrityError:
                pass  # another worker created it at the same moment
        db.session.commit()


def take_lease(job: PeriodicJob, holder: str, now: datetime) -> bool:
    """Take the job's lease if it is due and nobody holds a live lease on it."""
    with write_intent(True):
        taken = db.session.execute(
            sa.update(JobSchedule)
            .where(
                JobSchedule.name == job.name,
                JobSchedule.next_run_at <= now,
                sa.or_(JobSchedule.lease_expires_at.is_(None), JobSchedule.lease_expires_at < now),
            )
            .values(lease_holder=holder, lease_expires_at=now + job.lease, last_started_at=now)
        ).rowcount
        db.session.commit()
    return bool(taken)


def finish_lease(job: PeriodicJob, holder: str, now: datetime) -> bool:
    """Set the job's next run and give its lease back, if `holder` still holds it."""
    return bool(
        db.session.execute(
            sa.update(JobSchedule)
            .where(JobSchedule.name == job.name, JobSchedule.lease_holder == holder)
            .values(
                next_run_at=now + job.every,
                lease_holder="",
                lease_expires_at=None,
                last_finished_at=utcnow(),
                last_error="",
                runs=JobSchedule.runs + 1,
            )
        ).rowcount
    )


def run_job(job: PeriodicJob, holder: str, now: datetime) -> bool:
    """Run a job whose lease `holder` took; True when its run was committed.

    The job's writes and the date of its next run are one transaction, committed only if
    the lease is still this holder's: a run that outlived its lease (another worker took
    the job over) is rolled back, so each interval's work is stored once.
    """
    try:
        with write_intent(True):
            result = job.run(now)
            if not finish_lease(job, holder, now):
                db.session.rollback()
                log.warning("Job %s outlived its lease; another worker's run counts", job.name)
                return False
            db.session.commit()
    except Exception as error:
        db.session.rollback()
        log.exception("Job %s failed", job.name)
        _record_job_failure(job, holder, now, error)
        return False
    log.info("Job %s done%s", job.name, "" if result is None else f": {result}")
    return True


def _record_job_failure(job: PeriodicJob, holder: str, now: datetime, error: Exception) -> None:
    with write_intent(True):
        db.session.execute(
            sa.update(JobSchedule)
            .where(JobSchedule.name == job.name, JobSchedule.lease_holder == holder)
            .values(
                next_run_at=now + min(job.every, RETRY_FAILED_JOB),
                lease_holder="",
                lease_expires_at=None,
                last_error=f"{type(error).__name__}: {error}"[:2000],
            )
        )
        db.session.commit()


def run_due_jobs(
    jobs: Iterable[PeriodicJob],
    holder: str,
    now: datetime,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[str]:
    """Run each due job this holder can take the lease of; the names of those it ran."""
    ran = []
    for job in jobs:
        if should_stop():
            break
        if take_lease(job, holder, now) and run_job(job, holder, now):
            ran.append(job.name)
    return ran


# --- The loop --------------------------------------------------------------------------------


class Worker:
    """Runs due jobs and delivers due mail until told to stop."""

    def __init__(self, app: Flask, poll_seconds: float | None = None, batch: int = 100):
        self.app = app
        self.poll_seconds = poll_seconds or app.config["WORKER_POLL_SECONDS"]
        self.batch = batch
        self.name = process_name()
        self.stopping = False

    def stop(self, signum: int | None = None, _frame=None) -> None:
        if not self.stopping:
            log.info("Worker %s stopping (%s)", self.name, _signal_name(signum))
        self.stopping = True

    def run(self, once: bool = False) -> None:
        """Loop until SIGTERM or SIGINT; with `once`, until nothing is due, then return."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        jobs = declared_jobs()
        ensure_schedules(jobs, utcnow())
        log.info(
            "Worker %s started: jobs %s; mail checked every %ss",
            self.name,
            ", ".join(job.name for job in jobs) or "none",
            self.poll_seconds,
        )
        while not self.stopping:
            more_waiting = self.tick(jobs)
            db.session.remove()
            if once and not more_waiting:
                break
            if not more_waiting:
                self._pause(self.poll_seconds)
        log.info("Worker %s stopped", self.name)

    def tick(self, jobs: list[PeriodicJob]) -> bool:
        """One round: due jobs, then due mail. True when more mail is waiting."""
        try:
            run_due_jobs(jobs, self.name, utcnow(), should_stop=lambda: self.stopping)
            sent, failed = deliver_pending(self.app, self.batch, should_stop=lambda: self.stopping)
        except Exception:  # the database is unreachable, say: try again after a pause
            db.session.rollback()
            log.exception("Worker round failed; trying again in %ss", self.poll_seconds)
            return False
        return sent + failed >= self.batch

    def _pause(self, seconds: float) -> None:
        # Short sleeps, so that a stop signal is acted on within a fraction of a second.
        deadline = time.monotonic() + seconds
        while not self.stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))


def _signal_name(signum: int | None) -> str:
    return signal.Signals(signum).name if signum else "asked"
