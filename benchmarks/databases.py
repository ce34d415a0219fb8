"""A throwaway database per measured run: created, migrated, seeded, then dropped."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from benchmarks.seed import SeedFacts, SeedSize, seed

ROOT = Path(__file__).resolve().parent.parent
# The server the test suite uses; DATABASE_URL (a PostgreSQL URL) names another one.
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_server() -> str:
    """A libpq URL of the PostgreSQL server to create the throwaway databases on."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        url = DEFAULT_POSTGRES
    return re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", url)


def postgres_reachable() -> str | None:
    """None if the server answers, else why not."""
    import psycopg

    try:
        with psycopg.connect(_admin_url(postgres_server()), connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return str(error).strip().splitlines()[0]


def _admin_url(server: str) -> str:
    return server.rsplit("/", 1)[0] + "/postgres"


@contextmanager
def throwaway_database(kind: str) -> Iterator[str]:
    """Yields the URL (as DATABASE_URL takes it) of a new, empty database; drops it after."""
    if kind == "postgresql":
        import psycopg

        admin = _admin_url(postgres_server())
        name = f"atelier_bench_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin.rsplit("/", 1)[0] + f"/{name}"
        finally:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    directory = tempfile.mkdtemp(prefix="atelier-bench-")
    try:
        yield f"sqlite:///{directory}/bench.sqlite3"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def prepare(url: str, env: dict, size: SeedSize, log) -> SeedFacts:
    """Migrate with the app's own command, seed in bulk, then refresh the planner's stats."""
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "hub", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        facts = seed(engine, size)
        log(f"seeded in {time.monotonic() - started:.1f} s (migrations included)")
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()
    return facts
