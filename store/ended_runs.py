"""Declarations whose workflow ended without closing them (it failed, or an operator terminated
it): the workflow cannot report that itself, so the orchestrator's worker watches Temporal's
visibility and writes it to the store, where the portal's status reads it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError

from messages import Message
from observability.logging import get_logger
from store.at_rest import StoreCipher
from store.declaration_status import mark_run_ended

log = get_logger(__name__)

# How a run ended: its reason code, and its words in the declaration's status.
_ENDINGS = {
    WorkflowExecutionStatus.FAILED: ("workflow_failed", Message.of("run.failed")),
    WorkflowExecutionStatus.TERMINATED: ("workflow_terminated", Message.of("run.terminated")),
    WorkflowExecutionStatus.TIMED_OUT: ("workflow_timed_out", Message.of("run.timed_out")),
}
# Visibility is eventually consistent: each look reaches back past the previous one.
_OVERLAP = timedelta(minutes=5)


async def record_ended_runs(
    client: Client,
    engine: Engine,
    cipher: StoreCipher,
    since: datetime,
    workflow_types: Sequence[str],
) -> int:
    """Mark the declarations of the runs of `workflow_types` (the declarations' workflows, as
    the worker registers them) that ended without closing them since `since`."""
    types = ", ".join(f'"{name}"' for name in workflow_types)
    query = (
        f"WorkflowType IN ({types}) AND "
        'ExecutionStatus IN ("Failed", "Terminated", "TimedOut") AND '
        f'CloseTime >= "{since.isoformat()}"'
    )
    marked = 0
    async for execution in client.list_workflows(query):
        ending = _ENDINGS.get(execution.status) if execution.status else None
        if ending is None:
            continue
        code, how = ending
        if await asyncio.to_thread(mark_run_ended, engine, cipher, execution.id, how, code):
            marked += 1
            log.error("declaration_run_ended", workflow_id=execution.id, ending=code)
    return marked


async def watch_ended_runs(
    client: Client,
    engine: Engine,
    cipher: StoreCipher,
    workflow_types: Sequence[str],
    stop: asyncio.Event,
    interval: float,
) -> None:
    since = datetime.now(UTC) - _OVERLAP
    while not stop.is_set():
        looked_at = datetime.now(UTC)
        try:
            await record_ended_runs(client, engine, cipher, since, workflow_types)
            since = looked_at - _OVERLAP
        except RPCError as error:
            log.warning("ended_runs_watch_failed", error=error.status.name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
