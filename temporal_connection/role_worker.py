"""A role's Temporal worker, and what the role runs beside it: the orchestrator's and each
agency's case worker are started alike (`worker.py`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from temporalio.worker import Worker


@dataclass
class RoleWorker:
    worker: Worker
    close: Callable[[], Awaitable[None]] | None = None
    # What runs beside the worker until the process stops: an agency's decision relay, the
    # orchestrator's watch over runs that ended without closing their declaration.
    background: Callable[[asyncio.Event], Coroutine[Any, Any, None]] | None = None
