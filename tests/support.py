"""Helpers shared by the tests: a client that knows its CSRF token, factories, databases."""

from __future__ import annotations

import os
import re
import secrets
import socket
from contextlib import closing

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

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


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)
