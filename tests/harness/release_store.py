"""A store as release e094eee left it: its schema (the migrations' first revision) and every
table filled with the rows that release's own store functions wrote (tests/store_snapshots).
Sealed columns are sealed again, with this process's store key, as the release sealed them: the
same columns, bound to the same rows."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import DateTime, MetaData, text
from sqlalchemy.engine import Connection, Engine

from settings import Settings
from store.migrations.config import alembic_config
from store.migrations.revisions import VERSION_TABLE
from store.migrations.upgrade import RELEASE_E094EEE
from store.schema import schema_lock
from store.sealing import ATTACHMENT, STATUS, STEP_REASON, STEP_RESULT, store_cipher

SNAPSHOT = Path(__file__).parent.parent / "store_snapshots" / "release_e094eee.json"

Rows = dict[str, list[dict[str, Any]]]


def release_rows() -> Rows:
    """The snapshot's rows by table, sealed columns holding what they sealed."""
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return {table: rows for table, rows in snapshot.items() if not table.startswith("_")}


def make_release_store(engine: Engine, rows: Rows, *, revision_recorded: bool) -> None:
    """The release's schema, filled with `rows`. Without `revision_recorded` the store is as the
    release's `create_all` made it, with no record of a revision."""
    with schema_lock(engine) as connection:
        command.upgrade(alembic_config(connection), RELEASE_E094EEE)
        if not revision_recorded:
            connection.execute(text(f"DROP TABLE {VERSION_TABLE}"))
    with engine.begin() as connection:
        fill(connection, rows)


def fill(connection: Connection, rows: Rows) -> None:
    tables = MetaData()
    tables.reflect(connection)
    unfilled = set(tables.tables) - set(rows) - {VERSION_TABLE}
    assert not unfilled, f"the snapshot has no rows for {sorted(unfilled)}"
    for name, table_rows in rows.items():
        table = tables.tables[name]
        times = {c.name for c in table.columns if isinstance(c.type, DateTime)}
        values = [_stored(name, row, times) for row in table_rows]
        connection.execute(table.insert(), values)


def _stored(table: str, row: dict[str, Any], times: set[str]) -> dict[str, Any]:
    stored = {
        name: datetime.fromisoformat(value) if name in times and value is not None else value
        for name, value in row.items()
    }
    if table == "audit_trail":
        del stored["id"]  # numbered by the database, whose own counter then goes on from them
    sealed = _sealed(table, row)
    if sealed is not None:
        stored.update(sealed)
    return stored


def _sealed(table: str, row: dict[str, Any]) -> dict[str, bytes] | None:
    """The row's sealed column, sealed as the release's store sealed it."""
    cipher = store_cipher(Settings(environment="test"))
    if table == "declarations":
        status = json.dumps(row["status_sealed"], ensure_ascii=False)
        return {"status_sealed": cipher.seal_text(status, STATUS, row["declaration_id"])}
    if table == "step_results":
        result = json.dumps(row["result_sealed"], ensure_ascii=False)
        bound_to = f"{row['declaration_id']}\x00{row['procedure']}"
        return {"result_sealed": cipher.seal_text(result, STEP_RESULT, bound_to)}
    if table == "step_events" and row["reason_sealed"] is not None:
        bound_to = f"{row['declaration_id']}\x00{row['sequence']}"
        return {"reason_sealed": cipher.seal_text(row["reason_sealed"], STEP_REASON, bound_to)}
    if table == "attachments":
        content = base64.b64decode(row["content"]["base64"])
        return {"content": cipher.seal(content, ATTACHMENT, row["sha256"])}
    return None
