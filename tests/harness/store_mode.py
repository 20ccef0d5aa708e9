"""The store a test session uses: SQLite by default, or with LIENTHONG_TEST_STORE=postgresql a
PostgreSQL server, with the workers in separate processes, as the product is deployed."""

from __future__ import annotations

import os

STORE_MODES = ("sqlite", "postgresql")
STORE_MODE = os.environ.get("LIENTHONG_TEST_STORE") or "sqlite"
POSTGRESQL_MODE = STORE_MODE == "postgresql"
# Whether this session runs the tests that keep nothing in the store (marked `store_free`):
# they run the same on either store, so `make test` runs them once, in whichever of its two
# side-by-side runs would otherwise finish first (LIENTHONG_STORE_FREE_TESTS=run or skip). On
# its own, a session runs them on SQLite and skips them on PostgreSQL.
STORE_FREE_CHOICES = ("run", "skip")
STORE_FREE_TESTS = os.environ.get("LIENTHONG_STORE_FREE_TESTS") or (
    "skip" if POSTGRESQL_MODE else "run"
)


def store_mode_problem() -> str | None:
    """Why the chosen store mode cannot run, if it cannot."""
    if STORE_MODE not in STORE_MODES:
        return f"LIENTHONG_TEST_STORE={STORE_MODE!r}: choose one of {', '.join(STORE_MODES)}"
    if STORE_FREE_TESTS not in STORE_FREE_CHOICES:
        return (
            f"LIENTHONG_STORE_FREE_TESTS={STORE_FREE_TESTS!r}: "
            f"choose one of {', '.join(STORE_FREE_CHOICES)}"
        )
    return None
