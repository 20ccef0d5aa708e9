"""Which revisions an up-to-date store is at, and which a store records: found without Alembic,
which takes far longer to import than an up-to-date store takes to check. Only an upgrade
imports it (store.migrations.upgrade)."""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

VERSIONS_DIR = Path(__file__).resolve().parent / "versions"
# Where Alembic records a store's revision.
VERSION_TABLE = "alembic_version"


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The revisions no other revision follows (one, unless two branches are not yet merged)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in VERSIONS_DIR.glob("*.py"):
        if path.name == "__init__.py":
            continue
        assigned = _module_constants(path)
        revisions.add(str(assigned["revision"]))
        down = assigned.get("down_revision")
        if isinstance(down, str):
            followed.add(down)
        elif isinstance(down, tuple | list):
            followed.update(str(d) for d in down)
    return frozenset(revisions - followed)


def _module_constants(path: Path) -> dict[str, object]:
    """The constants a revision's module assigns at its top (`revision`, `down_revision`)."""
    constants: dict[str, object] = {}
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        targets: list[ast.expr]
        if isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        elif isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                constants[target.id] = ast.literal_eval(value)
    return constants


def recorded_revisions(connection: Connection) -> frozenset[str]:
    """The revisions the store records it is at; none for an empty store, or one made before
    the store had migrations."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return frozenset()
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))  # noqa: S608
    return frozenset(rows.scalars())
