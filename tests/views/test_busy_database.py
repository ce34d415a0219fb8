"""A busy database: while another process holds the lock a writer needs, the writer is told
at once (503, Retry-After) with what they typed kept, and readers and /healthz go on.

The lock is real and held by another process: SQLite's write lock (BEGIN IMMEDIATE), or on
PostgreSQL an EXCLUSIVE lock on a table (reads go on; a registration, which locks its event,
or a login, which writes to users, waits).
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import time
from contextlib import contextmanager

import sqlalchemy as sa

from hub.database import write_intent
from hub.extensions import db
from hub.models import Registration
from tests.support import DEFAULT_PASSWORD

HOLD_LOCK = """
import sys, time
kind, url, table, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
if kind == "sqlite":
    import sqlite3
    connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
else:
    import psycopg
    connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    connection.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
print("locked", flush=True)
time.sleep(seconds)
connection.rollback()
"""
WAIT_MS = 300


@contextmanager
def lock_held_elsewhere(db_kind: str, database_url: str, table: str = "events", seconds=20):
    """Another process holds the lock until the block ends (or `seconds` pass); on PostgreSQL
    writes to `table` wait, reads do not."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, db_kind, database_url, table, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        yield
    finally:
        holder.terminate()
        holder.wait(timeout=10)
        holder.stdout.close()


def registrations(app) -> list[tuple[str, str]]:
    with app.app_context(), write_intent(False):
        rows = db.session.execute(sa.select(Registration.name, Registration.email)).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def test_a_writer_waiting_for_the_lock_gets_503_with_what_they_typed(
    client, app, make, settings, db_kind, database_url
):
    settings(WEB_LOCK_TIMEOUT_MS=WAIT_MS)
    event = make.event(title="Atelier tableur", capacity=5)
    typed = {"name": "Zoé <Durand>", "email": "zoe@example.org", "wants_news": "y"}
    with lock_held_elsewhere(db_kind, database_url):
        response, took = timed(lambda: client.submit(f"/events/{event.slug}/register", typed))
        assert response.status_code == 503
        assert took < 5
        assert response.headers["Retry-After"] == "5"
        assert response.headers["Cache-Control"] == "no-store"
        page = response.get_data(as_text=True)
        assert "Le site est très sollicité" in page
        assert f'<form method="post" action="/events/{event.slug}/register">' in page
        hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
        kept = {name: html.unescape(value) for name, value in hidden}  # as a browser sends
        assert kept == {"csrf_token": kept["csrf_token"], **typed}
        assert '<dd class="typed-text">Zoé &lt;Durand&gt;</dd>' in page

        # htmx keeps the form as it is in the page and shows the message in the live region.
        data = {key: value for key, value in typed.items()}
        answer = client.hx(
            "POST", f"/events/{event.slug}/register", target="registration", data=data
        )
        assert (answer.status_code, answer.headers["Retry-After"]) == (503, "5")
        assert answer.headers["HX-Retarget"] == "#flash-messages"
        assert "Ce que vous avez saisi est conservé" in answer.get_data(as_text=True)

        # Readers and the health check answer while the lock is held.
        reader, took = timed(lambda: client.get(f"/events/{event.slug}"))
        assert reader.status_code == 200 and "Atelier tableur" in reader.get_data(as_text=True)
        assert took < 2
        health, took = timed(lambda: client.get("/healthz"))
        assert (health.status_code, health.json["status"]) == (200, "ok")
        assert took < 2
        assert registrations(app) == []

    # Once the lock is gone, "send again" registers what was kept.
    again = client.post(f"/events/{event.slug}/register", data=kept)
    assert again.status_code == 303
    assert registrations(app) == [("Zoé <Durand>", "zoe@example.org")]


def test_a_busy_login_keeps_the_email_and_asks_for_the_password_again(
    client, app, make, settings, db_kind, database_url
):
    settings(WEB_LOCK_TIMEOUT_MS=WAIT_MS)
    user = make.user(email="ana@example.org")
    client.get("/auth/login")
    with lock_held_elsewhere(db_kind, database_url, table="users"):
        response = client.submit("/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert '<input type="hidden" name="email" value="ana@example.org">' in page
    assert DEFAULT_PASSWORD not in page
    assert '<input type="password" id="retype-1" name="password" autocomplete="off">' in page
