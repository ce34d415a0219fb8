"""The worker in real processes: several at once, killed mid-send, stopped by a signal.

Each worker is `flask --app … worker` in a process of its own, delivering to a mail server
on loopback (tests/concurrency/smtp_stub.py). Each guarded race has a control: the same
workers without the claim and the lease (tests/concurrency/unguarded_worker.py), which must
show the race is real.
"""

from __future__ import annotations

import itertools
import signal
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from hub.domain import outbox
from hub.extensions import db
from hub.models import AuditEntry, MessageStatus, OutboxMessage
from tests.concurrency.smtp_stub import SmtpStub
from tests.support import WorkerProcess

pytestmark = pytest.mark.slow

GUARDED = "tests.concurrency.worker_app"
UNGUARDED = "tests.concurrency.unguarded_worker"


@pytest.fixture
def start_worker(database_url, tmp_path):
    """Start a worker process; every one still running is stopped after the test."""
    started: list[WorkerProcess] = []

    def start(smtp: SmtpStub | None = None, app: str = GUARDED, **env: str) -> WorkerProcess:
        if smtp is not None:
            env = {
                "MAIL_BACKEND": "smtp",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp.port),
                "SMTP_STARTTLS": "false",
                **env,
            }
        worker = WorkerProcess(database_url, tmp_path / f"worker-{len(started)}.log", app, **env)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()


def queue_emails(app, make, recipients: list[str]) -> None:
    user = make.user()
    with app.app_context():
        for recipient in recipients:
            outbox.queue(recipient, "password_reset", "fr", user=user, token="t", minutes=60)
        db.session.commit()


def statuses(app) -> Counter:
    with app.app_context():
        rows = db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        )
        found = Counter({MessageStatus(status): count for status, count in rows})
        db.session.remove()
        return found


def wait_until_sent(app, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while statuses(app)[MessageStatus.SENT] < count:
        assert time.monotonic() < deadline, f"not all sent: {statuses(app)}"
        time.sleep(0.2)


def outbox_rows(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def people(count: int) -> list[str]:
    return [f"person{number:03d}@example.org" for number in range(count)]


# --- Two workers, one outbox ------------------------------------------------------------------


def test_two_workers_send_each_of_many_messages_exactly_once(app, make, start_worker):
    recipients = people(200)
    with SmtpStub(delay=0.02) as smtp:
        start_worker(smtp)
        start_worker(smtp)
        queue_emails(app, make, recipients)  # both are polling: they compete for every message

        wait_until_sent(app, len(recipients))

        assert smtp.copies() == Counter(recipients)
    rows = outbox_rows(app)
    assert {row.status for row in rows} == {MessageStatus.SENT}
    assert {row.attempts for row in rows} == {1}
    assert len({row.claimed_by for row in rows}) == 2  # both workers took part


def test_control_without_the_claim_two_workers_send_messages_twice(app, make, start_worker):
    recipients = people(20)
    with SmtpStub() as smtp:
        start_worker(smtp, app=UNGUARDED)
        start_worker(smtp, app=UNGUARDED)
        queue_emails(app, make, recipients)

        wait_until_sent(app, len(recipients))
        time.sleep(1)  # the slower worker finishes the message in hand

        assert set(smtp.copies()) == set(recipients)
        assert max(smtp.copies().values()) == 2


# --- Killed mid-send, restarted ------------------------------------------------------------


def test_a_worker_killed_mid_send_loses_nothing_once_restarted(app, make, start_worker):
    recipients = people(20)
    with SmtpStub() as smtp:
        smtp.stall_on(recipients[0])  # the server does not answer: the send hangs
        queue_emails(app, make, recipients)
        first = start_worker(smtp, MAIL_SENDING_TIMEOUT="2")
        smtp.wait_for_stall()

        first.send(signal.SIGKILL)
        first.wait()
        assert outbox_rows(app)[0].status == MessageStatus.SENDING  # its claim is left behind
        smtp.release.set()

        second = start_worker(smtp, MAIL_SENDING_TIMEOUT="2")
        wait_until_sent(app, len(recipients))

        assert smtp.copies() == Counter(recipients)
    rows = outbox_rows(app)
    assert [row.attempts for row in rows] == [2] + [1] * 19
    assert "1 message(s) left sending by a stopped process are queued again" in second.log


def test_a_message_the_server_took_just_before_a_kill_is_sent_again_with_the_same_id(
    app, make, start_worker
):
    """At least once, honestly: the server had the message, the worker had not yet written
    "sent" when it was killed. The copy carries the same Message-ID, so mail clients that
    de-duplicate show it once."""
    recipients = people(3)
    with SmtpStub() as smtp:
        smtp.stall_on(recipients[0], after_taking=True)
        queue_emails(app, make, recipients)
        first = start_worker(smtp, MAIL_SENDING_TIMEOUT="2")
        smtp.wait_for_stall()

        first.send(signal.SIGKILL)
        first.wait()
        start_worker(smtp, MAIL_SENDING_TIMEOUT="2")
        wait_until_sent(app, len(recipients))

        assert smtp.copies() == Counter({recipients[0]: 2, recipients[1]: 1, recipients[2]: 1})
        ids = [item.message_id for item in smtp.received if item.recipient == recipients[0]]
        assert ids[0] == ids[1]


# --- Stopping --------------------------------------------------------------------------------


def test_sigterm_lets_the_message_in_hand_finish_then_the_worker_exits(app, make, start_worker):
    recipients = people(5)
    with SmtpStub() as smtp:
        smtp.stall_on(recipients[0], after_taking=True)
        queue_emails(app, make, recipients)
        worker = start_worker(smtp)
        smtp.wait_for_stall()

        worker.send(signal.SIGTERM)
        time.sleep(1)
        assert worker.process.poll() is None  # still waiting for the server's answer
        smtp.release.set()

        assert worker.wait() == 0
        assert smtp.copies() == Counter([recipients[0]])
    assert [row.status for row in outbox_rows(app)] == [MessageStatus.SENT] + [
        MessageStatus.PENDING
    ] * 4
    assert "stopping (SIGTERM)" in worker.log
    assert worker.log.rstrip().endswith("stopped")


def test_sigint_stops_an_idle_worker(start_worker):
    worker = start_worker()

    worker.send(signal.SIGINT)

    assert worker.wait(timeout=30) == 0
    assert "stopping (SIGINT)" in worker.log


# --- Periodic jobs across workers -------------------------------------------------------------


def heartbeat_runs(app) -> list[tuple[datetime, str]]:
    with app.app_context():
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "test.heartbeat")
        ).all()
        runs = sorted(
            (datetime.fromisoformat(entry.details["at"]), entry.details["holder"])
            for entry in entries
        )
        db.session.remove()
        return runs


def gaps(runs: list[tuple[datetime, str]]) -> list[timedelta]:
    return [later - earlier for (earlier, _), (later, _) in itertools.pairwise(runs)]


def watch_heartbeat(app, start_worker, worker_app: str, until) -> list[tuple[datetime, str]]:
    """Two workers run the heartbeat job until `until(runs)` holds (or a minute passes)."""
    start_worker(app=worker_app)
    start_worker(app=worker_app)
    deadline = time.monotonic() + 60
    while not until(runs := heartbeat_runs(app)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return runs


def test_with_two_workers_a_periodic_job_runs_once_per_interval(app, start_worker):
    runs = watch_heartbeat(app, start_worker, GUARDED, until=lambda runs: len(runs) >= 5)

    assert len(runs) >= 5
    assert min(gaps(runs)) >= timedelta(seconds=1)


def test_control_without_the_lease_two_workers_run_a_job_twice_in_one_interval(app, start_worker):
    def raced(runs):
        return len(runs) > 1 and min(gaps(runs)) < timedelta(seconds=1)

    runs = watch_heartbeat(app, start_worker, UNGUARDED, until=raced)

    assert raced(runs), runs
    assert len({holder for _, holder in runs}) == 2
