"""The store's schema is its migrations: a store upgraded to the head revision has exactly the
tables of today's models (a model changed without a revision fails here), processes starting
together upgrade it once, a failed upgrade changes nothing, and an up-to-date store is checked
with a look at its revision.

The stores are the test's own: SQLite files in the SQLite run, PostgreSQL databases in the
PostgreSQL run."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, event, inspect, text
from sqlalchemy.engine import Engine

from store.database import create_store_engine, open_store_engine
from store.migrations import upgrade as upgrade_module
from store.migrations.__main__ import main as migrations_command
from store.migrations.config import alembic_config, migration_scripts
from store.migrations.revisions import VERSION_TABLE, head_revisions, recorded_revisions
from store.migrations.upgrade import RELEASE_E094EEE, UnknownRevision
from store.models import STORE_METADATA
from store.schema import schema_lock, upgrade_store
from store.sqlite_connections import tune_sqlite


@pytest.fixture
def fresh(own_store_url: str) -> Iterator[Engine]:
    """An engine on an empty store, its schema not yet touched."""
    engine = open_store_engine(own_store_url)
    yield engine
    engine.dispose()


def _differences(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), STORE_METADATA))


def test_the_head_revision_makes_the_models_tables(own_store: Engine) -> None:
    """`make migration` writes the revision a change to store/models.py needs."""
    assert _differences(own_store) == []
    with own_store.connect() as connection:
        assert recorded_revisions(connection) == head_revisions()


def test_the_head_is_found_without_alembic_as_alembic_finds_it() -> None:
    heads = migration_scripts().get_heads()
    assert len(heads) == 1, "two revisions follow the same one: `alembic merge` them"
    assert head_revisions() == frozenset(heads)


def test_an_up_to_date_store_costs_one_look_at_its_revision(
    own_store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def _no_upgrade(*_: object) -> None:
        raise AssertionError("an up-to-date store was upgraded")

    monkeypatch.setattr(upgrade_module, "upgrade_to_head", _no_upgrade)
    statements: list[str] = []

    def _count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(own_store, "before_cursor_execute", _count)
    try:
        upgrade_store(own_store)
    finally:
        event.remove(own_store, "before_cursor_execute", _count)
    # Whether the version table is there, and what it records.
    assert len(statements) <= 2, statements


def test_processes_starting_together_upgrade_the_store_once(
    own_store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    starting = threading.Barrier(4)

    def start() -> None:
        engine = open_store_engine(own_store_url)
        try:
            starting.wait()
            upgrade_store(engine)
        finally:
            engine.dispose()

    with caplog.at_level(logging.INFO, logger="alembic"), ThreadPoolExecutor(4) as pool:
        for started in [pool.submit(start) for _ in range(4)]:
            started.result()
    applied = [r.getMessage() for r in caplog.records if "Running upgrade" in r.getMessage()]
    assert len(applied) == len(list(migration_scripts().walk_revisions())), applied
    engine = create_store_engine(own_store_url)
    try:
        assert _differences(engine) == []
    finally:
        engine.dispose()


@pytest.mark.store_free
def test_connections_opening_a_new_sqlite_store_together_all_get_wal(tmp_path: Path) -> None:
    """Each of them asks for WAL on a file still in rollback mode; SQLite refuses all but one at
    once, without waiting out the busy timeout, and a refused process must not fail to start.
    Before, nearly every run of these twenty rounds lost a connection."""

    def open_(path: Path, opening: threading.Barrier) -> str:
        connection = sqlite3.connect(path, check_same_thread=False)
        try:
            opening.wait()
            tune_sqlite(connection, None)
            return str(connection.execute("PRAGMA journal_mode").fetchone()[0])
        finally:
            connection.close()

    for round_ in range(20):
        path, opening = tmp_path / f"store-{round_}.db", threading.Barrier(8)
        with ThreadPoolExecutor(8) as pool:
            modes = list(pool.map(open_, [path] * 8, [opening] * 8))
        assert modes == ["wal"] * 8


def test_a_store_made_by_todays_create_all_is_taken_at_the_head(fresh: Engine) -> None:
    """A store made before the store had migrations, by a version whose models are today's."""
    STORE_METADATA.create_all(fresh)
    upgrade_store(fresh)
    with fresh.connect() as connection:
        assert recorded_revisions(connection) == head_revisions()
    assert _differences(fresh) == []


def test_a_failed_upgrade_leaves_the_store_as_it_was(fresh: Engine) -> None:
    """A store of the release's tables beside one the upgrade means to create: the upgrade
    fails there, and undoes all it did, the recorded revision included."""
    with schema_lock(fresh) as connection:
        command.upgrade(alembic_config(connection), RELEASE_E094EEE)
        connection.execute(text(f"DROP TABLE {VERSION_TABLE}"))
        Table("notice_outbox", MetaData(), Column("id", Integer, primary_key=True)).create(
            connection
        )
    with fresh.connect() as connection:
        before = set(inspect(connection).get_table_names())
    with pytest.raises(Exception, match="notice_outbox"):
        upgrade_store(fresh)
    with fresh.connect() as connection:
        assert set(inspect(connection).get_table_names()) == before
        assert not inspect(connection).has_table("declared_events")
        assert recorded_revisions(connection) == frozenset()


def test_a_store_a_newer_release_upgraded_is_refused(own_store: Engine) -> None:
    with own_store.begin() as connection:
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = 'f00dfeed0001'"))
    with pytest.raises(UnknownRevision, match="f00dfeed0001"):
        upgrade_store(own_store)


def test_the_schema_goes_back_to_the_release_and_up_again(own_store: Engine) -> None:
    with schema_lock(own_store) as connection:
        command.downgrade(alembic_config(connection), RELEASE_E094EEE)
    with own_store.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        columns = {c["name"] for c in inspect(connection).get_columns("declarations")}
    assert "sent_notices" in tables
    assert "notice_outbox" not in tables
    assert "started_run_id" not in columns
    upgrade_store(own_store)
    assert _differences(own_store) == []


def test_the_upgrade_is_written_as_sql_for_review(capsys: pytest.CaptureFixture[str]) -> None:
    """What an operator reads before upgrading a PostgreSQL store: no database is reached."""
    migrations_command(
        ["upgrade", "head", "--sql"],
        database_url="postgresql+psycopg://nobody@127.0.0.1:9/none",
    )
    sql = capsys.readouterr().out
    assert "CREATE TABLE declarations" in sql
    assert "TIMESTAMP WITH TIME ZONE" in sql
    assert "ALTER TABLE declarations ADD COLUMN started_run_id VARCHAR(64)" in sql
    assert "DROP TABLE sent_notices" in sql
    assert "UPDATE alembic_version SET version_num=" in sql
