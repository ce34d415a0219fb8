"""The default rate-limit storage: fixed windows counted in one SQLite file."""

from __future__ import annotations

import time
from multiprocessing import get_context

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from hub.ratelimit_storage import SQLiteStorage, default_storage_uri


def _hit_ten_times(uri: str) -> None:
    storage = storage_from_string(uri)
    for _ in range(10):
        storage.incr("shared", 60)


def test_processes_add_up_their_counts_in_one_file(tmp_path):
    uri = default_storage_uri(str(tmp_path))
    assert uri == f"sqlite:///{tmp_path}/ratelimits.sqlite3"
    processes = [get_context("spawn").Process(target=_hit_ten_times, args=(uri,)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    storage = storage_from_string(uri)
    assert isinstance(storage, SQLiteStorage)
    assert storage.get("shared") == 40


def test_a_window_starts_again_once_it_has_passed(tmp_path):
    storage = storage_from_string(default_storage_uri(str(tmp_path)))
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("2/second")
    assert [limiter.hit(limit, "ana") for _ in range(3)] == [True, True, False]
    assert limiter.hit(limit, "ben")
    time.sleep(1.1)
    assert limiter.hit(limit, "ana")
    assert storage.get("unknown") == 0
    assert storage.check()
    storage.clear(limit.key_for("ben"))
    assert limiter.get_window_stats(limit, "ben").remaining == 2
    assert storage.reset() == 1
