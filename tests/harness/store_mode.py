"""The store a test session uses: SQLite by default, or with LIENTHONG_TEST_STORE=postgresql a
PostgreSQL server, with the workers in separate processes, as the product is deployed."""

from __future__ import annotations

import os

STORE_MODES = ("sqlite", "postgresql")
STORE_MODE = os.environ.get("LIENTHONG_TEST_STORE") or "sqlite"
POSTGRESQL_MODE = STORE_MODE == "postgresql"


def store_mode_problem() -> str | None:
    """Why the chosen store mode cannot run, if it cannot."""
    if STORE_MODE in STORE_MODES:
        return None
    return f"LIENTHONG_TEST_STORE={STORE_MODE!r}: choose one of {', '.join(STORE_MODES)}"
