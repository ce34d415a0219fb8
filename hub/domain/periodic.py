"""Periodic jobs: work the worker runs on a schedule, declared beside the rules it applies.

An area declares a job in its own domain module:

    @periodic("events.reminders", every=timedelta(minutes=5))
    def queue_due_reminders(now: datetime) -> int: ...

The worker (hub/worker.py) finds every job declared under hub/domain/ (it imports the
package's modules once, so nobody keeps a list), and runs each at most once per interval
across all workers, in one transaction that it commits: a job only changes rows and queues
mail (hub/domain/outbox.py), like any domain function, and never commits itself.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[datetime], object]
    # How long a run may take before another worker may assume it died and run it again.
    lease: timedelta = DEFAULT_LEASE


_jobs: dict[str, PeriodicJob] = {}


def periodic(
    name: str, *, every: timedelta, lease: timedelta = DEFAULT_LEASE
) -> Callable[[Callable[[datetime], object]], Callable[[datetime], object]]:
    """Declare `function(now)` as a job the worker runs every `every`.

    `name` is the job's key in the database (keep it stable); `lease` bounds one run.
    """
    if every <= timedelta(0) or lease <= timedelta(0):
        raise ValueError("a periodic job needs a positive interval and lease")

    def declare(function: Callable[[datetime], object]) -> Callable[[datetime], object]:
        known = _jobs.get(name)
        if known is not None and known.run.__qualname__ != function.__qualname__:
            raise ValueError(f"two periodic jobs are named {name!r}")
        _jobs[name] = PeriodicJob(name, every, function, lease)
        return function

    return declare


def declared_jobs() -> list[PeriodicJob]:
    """Every job declared in hub/domain/, by name (imports the domain's modules once)."""
    import hub.domain

    for module in pkgutil.walk_packages(hub.domain.__path__, "hub.domain."):
        importlib.import_module(module.name)
    return sorted(_jobs.values(), key=lambda job: job.name)
