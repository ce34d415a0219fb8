"""Periodic jobs: declared beside their rules, run once per interval under a lease."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from hub.domain import audit
from hub.domain.periodic import PeriodicJob, declared_jobs, periodic
from hub.extensions import db
from hub.models import AuditEntry, JobSchedule
from hub.worker import ensure_schedules, run_due_jobs, run_job, take_lease

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
EVERY = timedelta(minutes=10)


def record_run(now: datetime) -> None:
    audit.record(None, "test.job_ran", None, at=now.isoformat())


def failing(now: datetime) -> None:
    record_run(now)
    raise RuntimeError("the mail server's address book is gone")


JOB = PeriodicJob("test.tick", EVERY, record_run, lease=timedelta(minutes=2))


def runs() -> list[str]:
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "test.job_ran").order_by(AuditEntry.id)
    )
    return [entry.details["at"] for entry in entries]


def schedule(name: str = JOB.name) -> JobSchedule:
    db.session.expire_all()
    return db.session.get(JobSchedule, name)


def test_the_worker_finds_the_jobs_declared_in_the_domain_without_a_list():
    names = [job.name for job in declared_jobs()]

    assert "events.reminders" in names
    assert names == sorted(names)


def test_two_jobs_cannot_share_a_name(monkeypatch):
    monkeypatch.setattr("hub.domain.periodic._jobs", {})
    periodic("test.unique_name", every=EVERY)(record_run)

    with pytest.raises(ValueError, match=r"two periodic jobs are named 'test\.unique_name'"):
        periodic("test.unique_name", every=EVERY)(failing)


def test_a_new_job_runs_at_once_then_once_per_interval(ctx):
    ensure_schedules([JOB], T0)

    assert run_due_jobs([JOB], "worker-a", T0) == ["test.tick"]
    assert run_due_jobs([JOB], "worker-a", T0 + timedelta(minutes=9)) == []
    assert run_due_jobs([JOB], "worker-b", T0 + timedelta(minutes=9, seconds=59)) == []
    assert run_due_jobs([JOB], "worker-b", T0 + EVERY) == ["test.tick"]

    assert runs() == [T0.isoformat(), (T0 + EVERY).isoformat()]
    row = schedule()
    assert (row.runs, row.next_run_at, row.lease_holder) == (2, T0 + 2 * EVERY, "")


def test_a_schedule_row_is_made_once_whoever_starts_first(ctx):
    ensure_schedules([JOB], T0)
    ensure_schedules([JOB], T0 + timedelta(hours=1))

    assert db.session.scalars(sa.select(JobSchedule.next_run_at)).all() == [T0]


def test_while_one_worker_holds_the_lease_another_cannot_take_it(ctx):
    ensure_schedules([JOB], T0)

    assert take_lease(JOB, "worker-a", T0) is True
    assert take_lease(JOB, "worker-b", T0 + timedelta(minutes=1)) is False
    assert schedule().lease_holder == "worker-a"


def test_a_lease_left_by_a_dead_worker_is_taken_over_once_it_expires(ctx):
    ensure_schedules([JOB], T0)
    assert take_lease(JOB, "worker-a", T0) is True  # then worker-a is killed

    assert run_due_jobs([JOB], "worker-b", T0 + timedelta(minutes=2, seconds=1)) == ["test.tick"]
    assert runs() == [(T0 + timedelta(minutes=2, seconds=1)).isoformat()]


def test_a_run_that_outlived_its_lease_is_rolled_back_and_the_other_run_counts(ctx):
    ensure_schedules([JOB], T0)
    assert take_lease(JOB, "worker-a", T0) is True
    late = T0 + timedelta(minutes=3)
    assert take_lease(JOB, "worker-b", late) is True

    assert run_job(JOB, "worker-a", T0) is False  # worker-a comes back from a long pause
    assert run_job(JOB, "worker-b", late) is True

    assert runs() == [late.isoformat()]
    assert schedule().next_run_at == late + EVERY


def test_a_failing_job_keeps_none_of_its_writes_and_is_tried_again_later(ctx):
    job = PeriodicJob("test.failing", timedelta(hours=6), failing)
    ensure_schedules([job], T0)

    assert run_due_jobs([job], "worker-a", T0) == []

    assert runs() == []
    row = schedule(job.name)
    assert row.last_error == "RuntimeError: the mail server's address book is gone"
    assert (row.lease_holder, row.runs) == ("", 0)
    assert row.next_run_at == T0 + timedelta(minutes=5)


def test_a_stop_request_leaves_the_remaining_jobs_for_later(ctx):
    other = PeriodicJob("test.other", EVERY, record_run)
    ensure_schedules([JOB, other], T0)
    asked = iter([False, True])

    assert run_due_jobs([JOB, other], "worker-a", T0, should_stop=lambda: next(asked)) == [
        "test.tick"
    ]
    assert schedule(other.name).runs == 0
