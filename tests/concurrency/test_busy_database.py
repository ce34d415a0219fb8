"""A busy SQLite under a real gunicorn: while another process holds the write lock, writers are
told 503 after WEB_LOCK_TIMEOUT_MS, and /healthz and pages keep answering meanwhile.

The server runs as `make run` serves it (the Procfile's two workers of four threads each,
default settings). Before, a writer held its worker for SQLITE_BUSY_TIMEOUT_MS (15 s) and
then answered 500, and with every sync worker stuck /healthz took 19 s. Now a writer waits
WEB_LOCK_TIMEOUT_MS (3 s) in one thread while the others serve readers. PostgreSQL is
covered by the views' test (tests/views/test_busy_database.py): its readers never wait for a
writer's lock.
"""

from __future__ import annotations

import threading
import time
import urllib.request

import pytest
import sqlalchemy as sa

from hub.database import write_intent
from hub.extensions import db
from hub.models import Registration
from tests.concurrency.test_seat_races import Session, fire_together
from tests.support import ROOT, csrf_from, gunicorn_server
from tests.views.test_busy_database import lock_held_elsewhere

pytestmark = pytest.mark.slow
# Fewer writers than a worker has threads (4): were every writer to land on the same worker,
# it would still have a thread for readers. With 4, three runs in ten put all four on one
# worker, whose next reader waited for a thread as long as the writers waited (2.9 s).
WRITERS = 3


@pytest.fixture(autouse=True)
def _sqlite_only(db_kind):
    if db_kind != "sqlite":
        pytest.skip("SQLite's single write lock; PostgreSQL is covered by the views' test")


def test_writers_are_told_while_health_checks_and_pages_keep_answering(
    make, app, database_url, db_kind
):
    event = make.event(capacity=50)
    procfile = (ROOT / "Procfile").read_text()
    assert "--workers ${WEB_CONCURRENCY:-2} --threads 4 " in procfile
    with gunicorn_server(database_url, workers=2, options=("--threads", "4")) as url:
        writers = []
        for _ in range(WRITERS):
            writer = Session(url)
            _status, page = writer.request("GET", f"/events/{event.slug}/register")
            writer.token = csrf_from(page)
            writers.append(writer)
        checks: list[tuple[str, int, float]] = []
        done = threading.Event()

        def check_health_and_pages() -> None:
            while not done.is_set():
                for path in ("/healthz", f"/events/{event.slug}"):
                    start = time.monotonic()
                    with urllib.request.urlopen(url + path, timeout=30) as response:  # noqa: S310
                        checks.append((path, response.status, time.monotonic() - start))
                time.sleep(0.1)

        with lock_held_elsewhere(db_kind, database_url, seconds=30):
            checker = threading.Thread(target=check_health_and_pages)
            checker.start()
            start = time.monotonic()
            answers = fire_together(
                [
                    lambda writer=writer, n=n: writer.request(
                        "POST",
                        f"/events/{event.slug}/register",
                        {
                            "csrf_token": writer.token,
                            "name": f"Personne {n}",
                            "email": f"p{n}@example.org",
                            "wants_news": "y",
                        },
                    )
                    for n, writer in enumerate(writers)
                ]
            )
            writers_took = time.monotonic() - start
            done.set()
            checker.join()

    slowest = max(took for _, _, took in checks)
    print(
        f"writers answered in {writers_took:.2f} s; slowest of {len(checks)} reads {slowest:.2f} s"
    )
    assert [status for status, _ in answers] == [503] * WRITERS
    assert all("Ce que vous avez saisi est conservé" in body for _, body in answers)
    # Each writer waits 3 seconds in a thread of its own, not 15.
    assert writers_took < 6
    assert {path for path, _, _ in checks} == {"/healthz", f"/events/{event.slug}"}
    assert all(status == 200 for _, status, _ in checks)
    # Readers never queue behind the writers' wait.
    assert slowest < 1.5
    with app.app_context(), write_intent(False):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
        db.session.remove()
