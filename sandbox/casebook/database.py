"""The agency's own SQLite database: created on first start and loaded from the dataset, which
it records (the dataset's path and a hash of its content) so that each start can tell whether it
is given the population it holds.

Given another dataset (`SANDBOX_DATA_DIR` changed, or the files regenerated), the agency reloads:
it empties its database and loads the new population. Everything it holds comes from the dataset
or from cases about that population (the records its decisions created, the decisions waiting in
its feed), none of which means anything for another population. Only its counters are kept, so
that it never issues a case or register number twice: the portal may still hold records under
the numbers it issued before.

The same content read from another path is the same population: kept, with the new path."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, event, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel, create_engine

from observability.logging import get_logger
from sandbox.casebook.clock import now_utc
from sandbox.casebook.tables import (
    CASEBOOK_TABLES,
    DATASET_SOURCE_ROW,
    Counter,
    DatasetSource,
)
from sandbox.dataset import Dataset, load_dataset

# What an older sandbox recorded of its dataset: the content's hash of each load, no path.
LEGACY_MARK_TABLE = "dataset_mark"

log = get_logger(__name__)


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


def _legacy_source(connection: Connection, dataset: Dataset, path: str) -> DatasetSource | None:
    """What an older sandbox recorded, read once and dropped: the hash of each dataset it
    loaded (it loaded a new one on top of the old, so several mean a mixed population)."""
    if not inspect(connection).has_table(LEGACY_MARK_TABLE):
        return None
    marks = Table(LEGACY_MARK_TABLE, MetaData(), autoload_with=connection)
    fingerprints = list(connection.execute(select(marks.c.fingerprint)).scalars())
    marks.drop(connection)
    if not fingerprints:
        return None
    if len(fingerprints) > 1:
        return DatasetSource(path="(several datasets)", fingerprint="", loaded_at=now_utc())
    # An older sandbox kept no path: the one given now, when the content is the same.
    return DatasetSource(path=path, fingerprint=fingerprints[0], loaded_at=now_utc())


def _empty(connection: Connection) -> None:
    """Every table emptied but the counters and the record of the dataset: whatever tables the
    database holds, the agency's own of this version or of an older one."""
    kept = {Counter.__tablename__, DatasetSource.__tablename__}
    held = MetaData()
    held.reflect(connection)
    for table in held.sorted_tables:
        if table.name not in kept:
            connection.execute(table.delete())


def load_dataset_once(
    engine: Engine, data_dir: Path, load: Callable[[Session, Dataset], None], agency: str
) -> Dataset:
    """Read the dataset, and load it into the agency's registers unless they hold this very
    dataset already (a restart keeps what the agency recorded since); another dataset replaces
    what they hold."""
    dataset = load_dataset(data_dir)
    path = str(data_dir.resolve())
    with Session(engine) as session:
        connection = session.connection()
        source = session.get(DatasetSource, DATASET_SOURCE_ROW) or _legacy_source(
            connection, dataset, path
        )
        if source is not None and source.fingerprint == dataset.fingerprint:
            source.path = path
            session.merge(source)
            session.commit()
            return dataset
        if source is not None:
            log.warning(
                "sandbox_dataset_replaced",
                agency=agency,
                loaded_from=source.path,
                loaded_hash=source.fingerprint[:16],
                now_from=path,
                now_hash=dataset.fingerprint[:16],
            )
        _empty(connection)
        load(session, dataset)
        session.merge(
            DatasetSource(path=path, fingerprint=dataset.fingerprint, loaded_at=now_utc())
        )
        session.commit()
    return dataset
