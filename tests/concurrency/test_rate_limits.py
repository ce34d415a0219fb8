"""A rate limit holds as configured across the worker processes of a real gunicorn.

The app runs under gunicorn with three sync workers (one request at a time each), and one
more registration than the limit allows is sent at once from one address, so the requests
land on several workers (the access log says which). Exactly one must be refused, with the
default storage (no setting: a SQLite file the workers share) and with Redis. The control
runs the same race on `memory://`, where each worker counts apart, to show that the race is
real.

The counters live outside the app's database, so the test runs on SQLite only: running it on
PostgreSQL too would prove nothing more.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from limits.storage import storage_from_string

from hub.ratelimit_storage import default_storage_uri
from tests.concurrency.test_seat_races import Session, fire_together
from tests.support import gunicorn_server

pytestmark = pytest.mark.slow
LIMIT = 10
ATTEMPTS = 5
REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture(autouse=True)
def _sqlite_only(db_kind):
    if db_kind != "sqlite":
        pytest.skip("rate-limit counters are not kept in the app's database")


def _redis_or_skip() -> None:
    storage = storage_from_string(REDIS)
    if not storage.check():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")


def register_at_once(make, app, database_url, tmp_path, **env) -> tuple[list[int], set[str]]:
    """LIMIT + 1 registrations from one address at once; their statuses and the workers'
    process ids that answered them."""
    event = make.event(capacity=50)
    tmp_path.mkdir(parents=True, exist_ok=True)
    access_log = tmp_path / "access.log"
    options = (
        "--worker-class", "sync", "--threads", "1",
        "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
    )  # fmt: skip
    environment = {"RATELIMIT_ENABLED": "true", "RATELIMIT_REGISTRATION": f"{LIMIT}/minute"}
    with gunicorn_server(database_url, workers=3, options=options, **environment, **env) as url:
        people = []
        for _ in range(LIMIT + 1):
            person = Session(url)
            _status, page = person.request("GET", f"/events/{event.slug}/register")
            person.token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
            people.append(person)
        answers = fire_together(
            [
                lambda person=person, n=n: person.request(
                    "POST",
                    f"/events/{event.slug}/register",
                    {
                        "csrf_token": person.token,
                        "name": f"Personne {n}",
                        "email": f"p{n}@example.org",
                        "wants_news": "y",
                    },
                )
                for n, person in enumerate(people)
            ]
        )
    posts = [line.split() for line in access_log.read_text().splitlines() if " POST " in line]
    return sorted(status for status, _ in answers), {pid for pid, *_ in posts}


def _fresh_counters(uri: str) -> None:
    """Counters of an earlier run in the same minute would count against this one."""
    storage_from_string(uri).reset()


def race_on_several_workers(
    make, app, database_url, tmp_path, counters: str | None = None, **env
) -> tuple[list[int], set[str]]:
    """`register_at_once` until the requests land on several workers.

    One worker can drain the whole queue of connections before the others wake, and then
    the race proves nothing; it is run again, on a fresh server with fresh counters.
    """
    for attempt in range(ATTEMPTS):
        if counters:
            _fresh_counters(counters)
        statuses, workers = register_at_once(
            make, app, database_url, tmp_path / f"attempt-{attempt}", **env
        )
        if len(workers) >= 2:
            break
    return statuses, workers


def test_one_registration_too_many_is_refused_with_the_default_storage(
    make, app, database_url, tmp_path, monkeypatch
):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    counters = default_storage_uri(str(Path(app.instance_path)))
    statuses, workers = race_on_several_workers(make, app, database_url, tmp_path, counters)
    assert len(workers) >= 2, "the requests must land on several workers"
    assert statuses == [303] * LIMIT + [429]


def test_one_registration_too_many_is_refused_with_redis(make, app, database_url, tmp_path):
    _redis_or_skip()
    statuses, workers = race_on_several_workers(
        make, app, database_url, tmp_path, REDIS, RATELIMIT_STORAGE_URI=REDIS
    )
    assert len(workers) >= 2
    assert statuses == [303] * LIMIT + [429]


def test_control_memory_storage_lets_each_worker_count_apart(make, app, database_url, tmp_path):
    statuses, workers = race_on_several_workers(
        make, app, database_url, tmp_path, RATELIMIT_STORAGE_URI="memory://"
    )
    assert len(workers) >= 2
    assert 429 not in statuses
