"""The store's schema, brought up to date when a process opens the store: its migrations
(`store/migrations`) are applied up to their head, once, however many processes start together.

An up-to-date store costs one look at the revision it records. Otherwise the upgrade runs in one
transaction under a lock, and whoever waited for the lock looks again and finds the work done:
on PostgreSQL a transaction-scoped advisory lock (released by the commit that publishes the new
schema), on SQLite the database's own write lock, taken at once by `BEGIN IMMEDIATE`. Both
databases undo a failed upgrade whole, tables and recorded revision together.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from store.migrations.revisions import head_revisions, recorded_revisions
from store.sqlite_connections import tune_sqlite

# Any constant: the key of the advisory lock under which a PostgreSQL store is upgraded.
SCHEMA_LOCK_KEY = 0x6C69656E74686F6E
# How long a process starting beside an upgrade of a SQLite store waits for it.
_SQLITE_UPGRADE_WAIT_MS = 120_000


def upgrade_store(engine: Engine) -> None:
    """Bring the store's schema to the head revision, unless it is there already."""
    with engine.connect() as connection:
        if recorded_revisions(connection) == head_revisions():
            return
    # Imported only when there is work: Alembic takes longer to import than the check above.
    from store.migrations.upgrade import upgrade_to_head

    with schema_lock(engine) as connection:
        upgrade_to_head(connection)


@contextmanager
def schema_lock(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction beside which no other process upgrades the schema; the
    transaction commits when the block ends, and is rolled back if it raises."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
            yield connection
        return
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        upgrader = _sqlite_upgrader(engine)
        try:
            with upgrader.begin() as connection:
                yield connection
        finally:
            upgrader.dispose()
        return
    # An in-memory SQLite database is seen by this process alone.
    with engine.begin() as connection:
        yield connection


def _sqlite_upgrader(engine: Engine) -> Engine:
    """Connections of their own to the SQLite file, whose transactions begin by taking the write
    lock. Python's sqlite3 would begin them itself, lazily, and not before DDL: it is told to
    leave that to SQLAlchemy's `begin` event."""
    upgrader = create_engine(
        engine.url, poolclass=NullPool, connect_args={"check_same_thread": False}
    )

    @event.listens_for(upgrader, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        tune_sqlite(dbapi_connection, record)
        dbapi_connection.execute(f"PRAGMA busy_timeout={_SQLITE_UPGRADE_WAIT_MS}")
        dbapi_connection.isolation_level = None

    @event.listens_for(upgrader, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return upgrader
