"""Engine settings per database.

SQLite: WAL, a busy timeout, foreign keys on, and write transactions that take the write
lock when they begin. pysqlite defers BEGIN until the first write, so a read-then-write
transaction could otherwise act on a snapshot another process has already changed.

A web request that changes something waits at most WEB_LOCK_TIMEOUT_MS for a lock (SQLite's
write lock; on PostgreSQL, a row or table lock), then gives up and answers 503 (hub/errors.py)
instead of holding its worker while another process holds the lock: readers and /healthz
keep being served. Commands and the worker wait SQLITE_BUSY_TIMEOUT_MS (PostgreSQL: as long
as it takes).

PostgreSQL: a page view's transaction is READ ONLY, and ends with COMMIT where the unit of
work rolls it back. psycopg forgets every prepared statement at a ROLLBACK: each request
then planned its queries again, and an event page's query of seven tables took 0.8 ms to
plan for 0.1 ms to run. Kept from one request to the next, a statement run five times is
prepared and PostgreSQL reuses its plan where it costs no more than one made for the values
(a text search is still planned for its own words: hub/domain/innovations/search.py).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_ONLY = "hub.read_only"
_write_intent: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "write_intent", default=None
)


def engine_options(url: str, busy_timeout_ms: int) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": busy_timeout_ms / 1000, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}


T = TypeVar("T")


def padded(values: Sequence[T]) -> list[T]:
    """`values` for an expanding IN, the last one repeated up to a power of two (8 at least).

    An expanding IN writes one placeholder per value, so each length makes a statement of
    its own: a varied search made about a hundred, each kept prepared by SQLite's statement
    cache (3 MiB a worker) and none run often enough for psycopg to prepare it. Padded, a
    page needs one of a few statements; a value twice in an IN matches no row twice.
    """
    values = list(values)
    if not values:
        return values
    length = max(8, 1 << (len(values) - 1).bit_length())
    return values + [values[-1]] * (length - len(values))


def wants_write_lock() -> bool:
    """Whether the transaction about to begin may write.

    A request that changes state (POST, PUT, PATCH, DELETE) and code outside a request
    (commands, mail delivery) take the lock; a page view reads without blocking writers.
    """
    intent = _write_intent.get()
    if intent is not None:
        return intent
    if has_request_context():
        return request.method not in SAFE_METHODS and not g.get(READ_ONLY, False)
    return True


def read_only_from_now() -> None:
    """The rest of this request only reads: it no longer asks for the write lock (the page
    that says the database is busy is rendered without waiting for it again)."""
    g.setdefault(READ_ONLY, True)


def _web_lock_timeout_ms() -> int | None:
    """How long this transaction may wait for a lock: WEB_LOCK_TIMEOUT_MS in a web request
    that writes, None (the engine's own wait) elsewhere."""
    if has_request_context() and request.method not in SAFE_METHODS:
        return int(current_app.config["WEB_LOCK_TIMEOUT_MS"])
    return None


@contextmanager
def write_intent(value: bool = True) -> Iterator[None]:
    """Force the next transactions to take (or not take) SQLite's write lock at BEGIN."""
    token = _write_intent.set(value)
    try:
        yield
    finally:
        _write_intent.reset(token)


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    if engine.dialect.name == "postgresql":
        # Imported here: an SQLite worker never loads the PostgreSQL driver.
        from psycopg.pq import TransactionStatus

        in_transaction = TransactionStatus.INTRANS  # and no statement failed

        @event.listens_for(engine, "begin")
        def _on_pg_begin(connection):
            # psycopg writes READ ONLY in the BEGIN it sends with the first statement.
            reading = not wants_write_lock()
            connection.connection.dbapi_connection.read_only = True if reading else None
            timeout = _web_lock_timeout_ms()
            if timeout is not None:
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = {timeout}")

        @event.listens_for(engine, "rollback")
        def _on_pg_rollback(connection):
            # A READ ONLY transaction has nothing to undo: COMMIT ends it, and psycopg's
            # ROLLBACK that follows finds no transaction and keeps the prepared statements.
            dbapi_connection = connection.connection.dbapi_connection
            if (
                dbapi_connection.read_only
                and dbapi_connection.info.transaction_status == in_transaction
            ):
                dbapi_connection.commit()

        return
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself (the documented pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Half the default page cache (2 MiB): the operating system keeps the file's pages
        # anyway, and the pages measured no slower with 1 MiB.
        cursor.execute("PRAGMA cache_size=-1024")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        timeout = _web_lock_timeout_ms() or busy_timeout_ms
        held = connection.connection.info  # kept with the pooled connection
        if held.get("busy_timeout", busy_timeout_ms) != timeout:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(timeout)}")
            held["busy_timeout"] = timeout
        connection.exec_driver_sql("BEGIN IMMEDIATE" if wants_write_lock() else "BEGIN")
