"""Rate-limit counters in a small SQLite file that every worker process on the machine shares.

Flask-Limiter's `memory://` storage counts in each process apart: under gunicorn with four
workers a limit of 5 let 20 attempts through. This storage (`sqlite:///<path>`, the default)
keeps the counters in one file of the instance folder, so a limit holds as configured
whatever WORKERS is, with no server to run. It is a file of its own, not the app's database:
counting never waits for the app's write lock (a busy database must not stall the limiter),
and a count survives the rollback of the request that made it (a refused login is rolled
back). Several machines share counters through Redis (`RATELIMIT_STORAGE_URI=redis://…`).

Fixed windows only (Flask-Limiter's default strategy): each count is one atomic statement.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from limits.storage import Storage

SCHEME = "sqlite"
# Expired counters are swept at most this often, by whichever process counts next.
SWEEP_SECONDS = 60.0


def default_storage_uri(instance_path: str) -> str:
    return f"{SCHEME}:///{os.path.join(instance_path, 'ratelimits.sqlite3')}"


class SQLiteStorage(Storage):
    """A `limits` storage on a local SQLite file, registered for `sqlite:///path` URIs."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.removeprefix(f"{SCHEME}:///")
        self.timeout = float(options.get("timeout", 5.0))
        self._local = threading.local()
        self._next_sweep = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and process: a worker forked after use opens its own.
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        connection = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        connection.execute("PRAGMA journal_mode=WAL")
        # Counters, not records: a count lost to a power cut is harmless.
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS counters ("
            " key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at REAL NOT NULL"
            ") WITHOUT ROWID"
        )
        self._local.held = (os.getpid(), connection)
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        # One statement, so one atomic step under SQLite's write lock: no lost update between
        # processes. A counter past its window starts again from `amount`.
        (value,) = connection.execute(
            "INSERT INTO counters (key, value, expires_at) VALUES (:key, :amount, :expires)"
            " ON CONFLICT (key) DO UPDATE SET"
            "  value = CASE WHEN expires_at <= :now THEN excluded.value"
            "               ELSE value + excluded.value END,"
            "  expires_at = CASE WHEN expires_at <= :now THEN excluded.expires_at"
            "                    ELSE expires_at END"
            " RETURNING value",
            {"key": key, "amount": amount, "expires": now + expiry, "now": now},
        ).fetchall()[0]
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return int(value)

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute(
                "SELECT value FROM counters WHERE key = ? AND expires_at > ?", (key, time.time())
            )
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._connection()
            .execute("SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?", (key, now))
            .fetchone()
        )
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchall()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
