"""Helpers shared by the tests: a client that knows its CSRF token, factories, databases."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DEFAULT_PASSWORD = "correct horse battery"


def unavailable(reason: str) -> None:
    """Skip on a laptop that lacks a tool; under CI the same lack is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must run, not skip)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_pg_database() -> tuple[str, str]:
    """Create a throwaway PostgreSQL database; returns (its name, its SQLAlchemy URL)."""
    name = f"atelier_test_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return name, f"{base}/{name}"


def drop_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class HubClient(FlaskClient):
    """A test client that can send the CSRF token its session expects."""

    def csrf_token(self) -> str:
        app: Flask = self.application
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)

    def submit(self, url: str, data: dict | None = None, **kwargs):
        """POST a form as a browser would, CSRF token included."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def hx(self, method: str, url: str, target: str | None = None, **kwargs):
        """An htmx request: HX headers and the CSRF header htmx sends from hx-headers."""
        headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
        if target:
            headers["HX-Target"] = target
        if method.upper() != "GET":
            headers["X-CSRFToken"] = self.csrf_token()
        return self.open(url, method=method.upper(), headers=headers, **kwargs)

    def login(self, email: str, password: str = DEFAULT_PASSWORD, remember: bool = False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        response = self.submit("/auth/login", data)
        assert response.status_code == 303, f"login failed for {email}: {response.status_code}"
        return response

    def logout(self):
        return self.submit("/auth/logout")


def lately() -> str:
    """The query of a figures page over the last fortnight and tomorrow: the events these
    tests put a few days back, whatever the day. "This year" would miss them in the first
    days of January, "this month" on the first days of any month."""
    today = datetime.now(UTC).date()
    return f"period=custom&first={today - timedelta(days=14)}&last={today + timedelta(days=1)}"


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


PRODUCTION_APP = "wsgi:app"
UNGUARDED_APP = "tests.concurrency.unguarded_wsgi:app"  # the controls: no locks, a pause


@contextmanager
def gunicorn_server(
    database_url: str,
    workers: int = 2,
    app: str = PRODUCTION_APP,
    options: Sequence[str] = (),
    **env: str,
) -> Iterator[str]:
    """Serve `app` with gunicorn in separate processes, as in production; yields its URL.

    Used by the concurrency tests: simultaneous requests really run in parallel, each worker
    with its own connections, as they would on the venue's server. `options` are added to
    gunicorn's command line (a later option wins: `--worker-class sync` as the Procfile runs).
    """
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgresql://"),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "RATELIMIT_ENABLED": "false",
        "MAIL_DELIVER_AFTER_REQUEST": "false",
        "MAIL_BACKEND": "file",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", "4", "--worker-class", "gthread",
            "--log-level", "warning", *options, app,
        ],
        cwd=ROOT,
        env=environment,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=15)


class WorkerProcess:
    """`flask --app <app> worker` in a process of its own, as production runs it.

    Its log goes to `log_path`; `start()` returns once the worker says it has started.
    """

    def __init__(self, database_url: str, log_path: Path, app: str = "hub", **env: str):
        self.log_path = log_path
        self.command = [sys.executable, "-m", "flask", "--app", app, "worker"]
        self.environment = {
            **os.environ,
            "DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgresql://"),
            "SECRET_KEY": "test-secret-key-not-for-production",
            "PUBLIC_URL": "http://localhost",
            "MAIL_DELIVER_AFTER_REQUEST": "false",
            "WORKER_POLL_SECONDS": "0.2",
            "LOG_LEVEL": "INFO",
            "LOG_FORMAT": "text",  # the tests read its log line by line
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> WorkerProcess:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.environment, stdout=log, stderr=log
            )
        deadline = time.monotonic() + timeout
        while " started: " not in self.log:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{self.log}")
            time.sleep(0.1)
        return self

    @property
    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def send(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float = 60) -> int:
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Email:
    """A queued email as it will be sent: rendered now, like delivery renders it."""

    kind: str
    recipient: str
    locale: str
    subject: str
    body_text: str
    attachments: list[dict]  # filename, content_type, content


def emails(app: Flask, recipient: str | None = None, kind: str | None = None) -> list[Email]:
    """The emails queued so far, oldest first, rendered (the one way tests read them).

    Inside an application context it reads that context's session (uncommitted rows too).
    """
    import sqlalchemy as sa
    from flask import has_app_context

    from hub.extensions import db
    from hub.mail.compose import compose
    from hub.models import OutboxMessage

    with nullcontext() if has_app_context() else app.app_context():
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient is not None:
            query = query.where(OutboxMessage.recipient == recipient)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        found = []
        for message in db.session.scalars(query):
            composed = compose(message)
            found.append(
                Email(
                    message.kind,
                    message.recipient,
                    message.locale,
                    composed.subject,
                    composed.text,
                    [vars(attachment) for attachment in composed.attachments],
                )
            )
        return found


@contextmanager
def counted_statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block."""
    from sqlalchemy import event

    from hub.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def get(model, instance):
    """The row again, as the database holds it now (in the current session)."""
    from hub.extensions import db

    return db.session.get(model, instance.id)
