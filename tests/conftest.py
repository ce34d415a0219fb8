"""Fixtures: one application per test session, on SQLite or PostgreSQL (`--db`)."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade

from hub import create_app
from hub.extensions import db, limiter
from tests.factories import Factories
from tests.support import HubClient, create_pg_database, drop_pg_database, unavailable

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("TEST_DB", "sqlite"),
        help="the database the whole suite runs against",
    )


def pytest_report_header(config):
    return f"database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def db_kind(request) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def database_url(db_kind, tmp_path_factory):
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    try:
        name, url = create_pg_database()
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL is not reachable on 127.0.0.1:5432 ({error})")
    yield url
    drop_pg_database(name)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_BACKEND": "file",
            "MAIL_DIR": str(instance / "mail"),
            "UPLOAD_DIR": str(instance / "uploads"),
            "RATELIMIT_STORAGE_URI": "memory://",
            "PUBLIC_URL": "http://localhost",
            "FIGURES_CACHE_SECONDS": 0,  # every test reads the figures it has just written
        }
    )
    application.test_client_class = HubClient
    with application.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    """Every test starts with empty tables and fresh rate-limit counters."""
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        limiter.reset()


@pytest.fixture
def client(app) -> HubClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app) -> Factories:
    """Row builders: `make.user()`, `make.event(...)`… (tests/factories/)."""
    return Factories(app)


@pytest.fixture
def settings(app, monkeypatch):
    """Change settings of the shared app for one test: `settings(NAME=value)`.

    Every change is undone after the test, so no test sees another's settings.
    """

    def change(**values) -> None:
        for name, value in values.items():
            monkeypatch.setitem(app.config, name, value)

    return change


@pytest.fixture
def ctx(app):
    """An application context for domain tests (no request)."""
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
