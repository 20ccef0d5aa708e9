"""Engine and sessions for the orchestrator's store: SQLite by default, PostgreSQL through a URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

import store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from store.schema import upgrade_store
from store.sqlite_connections import tune_sqlite


def open_store_engine(database_url: str) -> Engine:
    """An engine on the store, its schema as it is."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", tune_sqlite)
        return engine
    url = make_url(database_url)
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        if url.drivername == "postgresql":
            # psycopg (3) is the driver installed; SQLAlchemy's default for this URL is psycopg2.
            url = url.set(drivername="postgresql+psycopg")
        # The columns hold times without a zone, as on SQLite: UTC, whatever the server's zone.
        connect_args["options"] = "-c timezone=UTC"
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=connect_args
    )


def create_store_engine(database_url: str) -> Engine:
    """An engine on the store, its schema upgraded to this version's first (store.schema)."""
    engine = open_store_engine(database_url)
    upgrade_store(engine)
    return engine


@lru_cache(maxsize=8)
def engine_for(database_url: str) -> Engine:
    return create_store_engine(database_url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
