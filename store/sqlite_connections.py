"""How the store's SQLite connections are set up, for the product's engine and for the
connection that upgrades the schema alike."""

from __future__ import annotations

import sqlite3
from typing import Any

from tenacity import retry, retry_if_exception, stop_after_delay, wait_random


def tune_sqlite(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    # The timeout waits out a brief writer lock.
    cursor.execute("PRAGMA busy_timeout=10000")
    _use_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _locked(error: BaseException) -> bool:
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


# Processes opening a new store together all find it in rollback mode and all ask for WAL. SQLite
# refuses all but one of them at once, without waiting out the busy timeout (waiting could
# deadlock them); the refused ask again, and find the file switched: WAL is kept in the file.
@retry(
    retry=retry_if_exception(_locked),
    stop=stop_after_delay(30),
    wait=wait_random(0.005, 0.05),
    reraise=True,
)
def _use_wal(cursor: Any) -> None:
    """WAL lets the portal read while a worker writes."""
    (mode,) = cursor.execute("PRAGMA journal_mode").fetchone()
    if mode != "wal":
        cursor.execute("PRAGMA journal_mode=WAL")
