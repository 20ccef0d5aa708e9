"""Engine and sessions for the orchestrator's store: SQLite by default, PostgreSQL through a URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, create_engine

import store.models  # noqa: F401  (registers the tables on SQLModel.metadata)


def _tune_sqlite(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the portal read while a worker writes; the timeout waits out a brief writer lock.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Any constant: the key of the lock under which processes starting together create the tables.
_SCHEMA_LOCK_KEY = 0x6C69656E74686F6E


def create_store_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _tune_sqlite)
        _create_sqlite_tables(engine)
        return engine
    url = make_url(database_url)
    postgresql = url.get_backend_name() == "postgresql"
    connect_args: dict[str, Any] = {}
    if postgresql:
        if url.drivername == "postgresql":
            # psycopg (3) is the driver installed; SQLAlchemy's default for this URL is psycopg2.
            url = url.set(drivername="postgresql+psycopg")
        # The columns hold times without a zone, as on SQLite: UTC, whatever the server's zone.
        connect_args["options"] = "-c timezone=UTC"
    engine = create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=connect_args
    )
    with engine.begin() as connection:
        if postgresql:
            # Several workers and the API start at once; without the lock two of them may both
            # find a table missing and both try to create it.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY}
            )
        SQLModel.metadata.create_all(connection)
    return engine


def _create_sqlite_tables(engine: Engine) -> None:
    """Processes starting together on a new file may race to create a table; the one that
    loses finds it there on its next look."""
    for attempt in range(5):
        try:
            SQLModel.metadata.create_all(engine)
            return
        except OperationalError as error:
            if "already exists" not in str(error) or attempt == 4:
                raise


@lru_cache(maxsize=8)
def engine_for(database_url: str) -> Engine:
    return create_store_engine(database_url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
