"""Two app nodes and two workers share one PostgreSQL and one Redis, as in production.

Each node is gunicorn with its own processes (tests/support.py `gunicorn_server`), each
worker `flask --app … worker` delivering to a mail server on loopback. Requests are fired
at both nodes at once: the seats, the rate limits, the page caches and the outbox hold
across nodes because their state lives in the shared database and Redis, not in a process.
"""

from __future__ import annotations

import re
import secrets
import time
import urllib.request
from collections import Counter

import pytest
import redis
import sqlalchemy as sa

from hub.extensions import db
from hub.models import MessageStatus, OutboxMessage, Registration, RegistrationState
from tests.concurrency.smtp_stub import SmtpStub
from tests.concurrency.test_event_races import Browser, all_at_once
from tests.concurrency.test_seat_races import Session
from tests.support import WorkerProcess, gunicorn_server

pytestmark = pytest.mark.slow

REDIS = "redis://127.0.0.1:6379/13"
PEOPLE, SEATS = 30, 8


@pytest.fixture
def shared(db_kind):
    """The settings every node and worker shares: Redis for the limits, its own key prefix."""
    if db_kind != "postgresql":
        pytest.skip("several app nodes share one PostgreSQL")
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return {
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_STORAGE_URI": REDIS,
        "RATELIMIT_KEY_PREFIX": f"two-nodes-{secrets.token_hex(4)}",
        "RATELIMIT_REGISTRATION": "1000 per minute",
        "PUBLIC_URL": "http://localhost",
    }


def test_registrations_race_across_nodes_without_overbooking_and_each_email_goes_once(
    app, make, database_url, shared, tmp_path
):
    event = make.event(capacity=SEATS, title="Atelier sur deux serveurs")
    emails = [f"person{number:02d}@example.org" for number in range(PEOPLE)]
    with (
        SmtpStub(delay=0.01) as smtp,
        gunicorn_server(database_url, workers=2, **shared) as node_a,
        gunicorn_server(database_url, workers=2, **shared) as node_b,
    ):
        mail = {"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port),
                "SMTP_STARTTLS": "false"}  # fmt: skip
        workers = [
            WorkerProcess(database_url, tmp_path / f"worker-{n}.log", **shared, **mail).start()
            for n in range(2)
        ]
        try:
            browsers = []
            for number, email in enumerate(emails):
                browser = Browser(node_a if number % 2 else node_b)
                browser.open_form(f"/events/{event.slug}/register")
                browsers.append((browser, email))
            answers = all_at_once([
                (lambda b=browser, e=email: b.post(
                    f"/events/{event.slug}/register",
                    {"name": e.split("@")[0], "email": e, "consent": "y"},
                    htmx_target="registration",
                ))
                for browser, email in browsers
            ])  # fmt: skip
            assert [status for status, _ in answers] == [200] * PEOPLE
            deadline = time.monotonic() + 120
            while sent(app) < PEOPLE:
                assert time.monotonic() < deadline, "not every confirmation was sent"
                time.sleep(0.2)
        finally:
            for worker in workers:
                worker.stop()
    with app.app_context():
        states = Counter(
            db.session.scalars(
                sa.select(Registration.state).where(Registration.event_id == event.id)
            )
        )
        claimed_by = set(db.session.scalars(sa.select(OutboxMessage.claimed_by)))
        db.session.remove()
    assert states == {
        RegistrationState.CONFIRMED: SEATS,
        RegistrationState.WAITLISTED: PEOPLE - SEATS,
    }
    assert smtp.copies() == Counter(emails)  # one email each, whichever worker sent it
    assert len(claimed_by) == 2


def sent(app) -> int:
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.status == MessageStatus.SENT)
        )
        db.session.remove()
        return count


def interest_clicks(database_url, settings: dict) -> list[int]:
    """Six "I'm interested" clicks from new browsers, alternately on node A and node B."""
    limit = {**settings, "RATELIMIT_INTEREST": "4/minute"}
    with (
        gunicorn_server(database_url, workers=2, **limit) as a,
        gunicorn_server(database_url, workers=2, **limit) as b,
    ):
        codes = []
        for node in (a, b, a, b, a, b):
            visitor = Browser(node)  # a new browser each time: no "already interested" cookie
            _status, page = visitor.get("/innovations/velo-cargo")
            token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
            request = urllib.request.Request(  # noqa: S310 (a local test server)
                f"{node}/innovations/velo-cargo/interest",
                data=f"form_token={token}".encode(),
                headers={"Sec-Fetch-Site": "same-origin"},
                method="POST",
            )
            codes.append(visitor._open(request)[0])
        return codes


def test_a_rate_limit_holds_across_both_nodes(make, database_url, shared):
    make.innovation(slug="velo-cargo")
    assert interest_clicks(database_url, shared) == [303, 303, 303, 303, 429, 429]


def test_control_with_limits_kept_in_each_process_the_nodes_count_apart(make, database_url, shared):
    make.innovation(slug="velo-cargo")
    codes = interest_clicks(database_url, {**shared, "RATELIMIT_STORAGE_URI": "memory://"})
    assert codes.count(303) > 4, codes


def test_a_change_made_on_one_node_shows_on_the_others_cached_pages_within_a_second(
    make, database_url, shared
):
    staff = make.staff(email="staff@example.org")
    innovation = make.innovation(slug="velo-cargo", title="Vélo cargo partagé")
    assert staff.email
    with (
        gunicorn_server(database_url, workers=2, **shared) as node_a,
        gunicorn_server(database_url, workers=2, **shared) as node_b,
    ):
        reader = Browser(node_b)
        for _ in range(4):  # every worker of B has the home page cached
            assert "Vélo cargo partagé" not in reader.get("/")[1]
        editor = Session(node_a).login("staff@example.org")
        status, _ = editor.request(
            "POST", f"/staff/featured/{innovation.id}/feature", {"csrf_token": editor.token}
        )
        assert status in (200, 303)
        changed = time.monotonic()
        while "Vélo cargo partagé" not in reader.get("/")[1]:
            assert time.monotonic() - changed < 1.0, "B still serves the old page"
            time.sleep(0.05)
