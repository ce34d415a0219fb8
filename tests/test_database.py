"""Engine settings per database (hub/database.py)."""

from __future__ import annotations

import pytest

from hub.extensions import db


def test_an_sqlite_connection_has_wal_foreign_keys_and_a_page_cache_of_1_mib(ctx, db_kind):
    if db_kind != "sqlite":
        pytest.skip("runs on SQLite (make test runs both databases)")
    with db.engine.connect() as connection:
        settings = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "cache_size")
        }
    # synchronous 1 is NORMAL; a negative cache size is in KiB.
    assert settings == {
        "journal_mode": "wal", "foreign_keys": 1, "synchronous": 1, "cache_size": -1024,
    }  # fmt: skip
