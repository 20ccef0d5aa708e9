"""How the store's SQLite connections are set up, for the product's engine and for the
connection that upgrades the schema alike."""

from __future__ import annotations

from typing import Any


def tune_sqlite(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the portal read while a worker writes; the timeout waits out a brief writer lock.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
