"""Where the declarations stand at a given moment, read from the orchestrator's store, so the
timeline shows that each fault hit declarations at every stage."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

from schemas.status import TERMINAL_STATES
from settings import get_settings
from store.sealing import STATUS, store_cipher

CLOSED = frozenset(state.value for state in TERMINAL_STATES)
DECIDED_STEP_STATES = frozenset({"approved", "rejected", "cancelled"})


def _stages(view: dict[str, Any]) -> list[str]:
    """Where an open declaration is: one entry per step an agency is deciding (a death has two
    at social security), or the stage between agencies."""
    steps: list[dict[str, Any]] = view.get("steps", [])
    at_agencies = [f"{s['agency']} {s['procedure']}" for s in steps if s["status"] == "submitted"]
    if at_agencies:
        return at_agencies
    if view.get("status") == "awaiting_supplement":
        return ["awaiting supplement"]
    if all(s["status"] == "pending" for s in steps):
        return ["dossier checks"]
    if all(s["status"] in DECIDED_STEP_STATES for s in steps):
        return ["delivery"]
    return ["between steps"]


def _read_views(store_path: Path) -> list[dict[str, Any]]:
    if not store_path.exists():
        return []
    # The workers write while this reads; the store's WAL journal lets both proceed.
    with closing(sqlite3.connect(store_path, timeout=10)) as connection:
        rows = connection.execute(
            "SELECT declaration_id, status_sealed FROM declarations"
        ).fetchall()
    # The status is sealed at rest; this process holds the store's keys, as the stack's do.
    cipher = store_cipher(get_settings())
    return [
        json.loads(cipher.open_text(sealed, STATUS, declaration)) for declaration, sealed in rows
    ]


def describe_in_flight(store_path: Path) -> str:
    """E.g. "87 declarations in flight, 41 closed; where: justice birth_registration 30,
    police residence_removal 12, …, dossier checks 9"."""
    try:
        views = _read_views(store_path)
    except sqlite3.Error as error:
        return f"store unreadable ({type(error).__name__})"
    open_views = [v for v in views if v.get("status") not in CLOSED]
    stages = Counter(stage for view in open_views for stage in _stages(view))
    listed = ", ".join(f"{stage} {n}" for stage, n in stages.most_common())
    closed = len(views) - len(open_views)
    where = f"; where: {listed}" if listed else ""
    return f"{len(open_views)} declarations in flight, {closed} closed{where}"
