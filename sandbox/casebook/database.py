"""The agency's own SQLite database: created on first start, loaded from the dataset once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.schema import Table
from sqlmodel import Session, SQLModel, create_engine

from sandbox.casebook.clock import now_utc
from sandbox.casebook.tables import CASEBOOK_TABLES, DatasetMark
from sandbox.dataset import Dataset, dataset_fingerprint, load_dataset


def _tune_sqlite(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def open_agency_database(name: str, state_dir: Path, tables: Sequence[type[SQLModel]]) -> Engine:
    """Open (or create) the agency's database with the casebook's tables and the agency's own."""
    state_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{state_dir / f'{name}.db'}", connect_args={"check_same_thread": False}
    )
    event.listen(engine, "connect", _tune_sqlite)
    all_tables: list[Table] = [
        m.__table__  # type: ignore[attr-defined]
        for m in (*CASEBOOK_TABLES, *tables)
    ]
    SQLModel.metadata.create_all(engine, tables=all_tables)
    return engine


def load_dataset_once(
    engine: Engine, data_dir: Path, load: Callable[[Session, Dataset], None]
) -> Dataset:
    """Read the dataset, and copy it into the agency's registers unless this very dataset was
    loaded before (a restart keeps what the agency recorded since)."""
    dataset = load_dataset(data_dir)
    with Session(engine) as session:
        if session.get(DatasetMark, dataset_fingerprint(data_dir)) is None:
            load(session, dataset)
            session.add(DatasetMark(fingerprint=dataset.fingerprint, loaded_at=now_utc()))
            session.commit()
    return dataset
