"""The load: declarations filed through the portal API, bare baseline workflows started
directly, and the wait until all of them have closed."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
from temporalio.client import Client

from devstack.bench.baseline import BaselineDeclarationWorkflow, BaselineShape
from devstack.bench.stack import BASELINE, BenchStack
from devstack.declaration_factory import DeclarationFactory
from devstack.issuing import issue_from_settings
from schemas.workflow_inputs import NexusEndpoints, orchestrator_task_queue


def declaration_bodies(factory: DeclarationFactory, count: int) -> list[tuple[str, dict[str, Any]]]:
    births = factory.couples()
    deaths = factory.insured_people(lambda i: i.status in ("pensioner", "contributing"))
    bodies: list[tuple[str, dict[str, Any]]] = []
    for index in range(count):
        if index % 2 == 0:
            bodies.append(("birth", factory.birth(next(births), delivery="post")))
        else:
            bodies.append(("death", factory.death(next(deaths), form="lump_sum")))
    return bodies


async def file_declarations(
    stack: BenchStack,
    bodies: list[tuple[str, dict[str, Any]]],
    *,
    concurrency: int | None = None,
    rate_per_second: float | None = None,
) -> dict[str, float]:
    """File the declarations, as many at a time as `concurrency` allows, or at a steady rate.
    Returns the submission time of each workflow."""
    token = issue_from_settings(stack.settings, "portal", "bench")
    submitted: dict[str, float] = {}
    limits = httpx.Limits(max_connections=concurrency or 64)
    async with httpx.AsyncClient(
        base_url=stack.api_url,
        timeout=60,
        limits=limits,
        headers={"Authorization": f"Bearer {token}"},
    ) as api:
        slots = asyncio.Semaphore(concurrency or len(bodies))

        async def file_one(kind: str, body: dict[str, Any]) -> None:
            async with slots:
                started = time.time()
                response = await api.post(f"/v1/declarations/{kind}", json=body)
                response.raise_for_status()
                submitted[response.json()["workflow_id"]] = started

        tasks = []
        begin = time.monotonic()
        for index, (kind, body) in enumerate(bodies):
            if rate_per_second is not None:
                await asyncio.sleep(max(0.0, begin + index / rate_per_second - time.monotonic()))
            tasks.append(asyncio.create_task(file_one(kind, body)))
        await asyncio.gather(*tasks)
    return submitted


def baseline_shape(index: int, endpoints: NexusEndpoints) -> BaselineShape:
    """The bare twin of `declaration_bodies`' declaration at `index`: a birth (2 cases after the
    justice office's, results by post) or a death (3 cases, results picked up)."""
    birth = index % 2 == 0
    return BaselineShape(parallel_steps=2 if birth else 3, post_results=birth, endpoints=endpoints)


async def start_baselines(
    client: Client, stack: BenchStack, count: int, concurrency: int
) -> dict[str, float]:
    endpoints = NexusEndpoints.with_prefix(stack.baseline_prefix)
    task_queue = orchestrator_task_queue(stack.baseline_prefix)
    started: dict[str, float] = {}
    slots = asyncio.Semaphore(concurrency)

    async def start_one(index: int) -> None:
        async with slots:
            workflow_id = f"{BASELINE}-{secrets.token_hex(6)}"
            started[workflow_id] = time.time()
            await client.start_workflow(
                BaselineDeclarationWorkflow.run,
                baseline_shape(index, endpoints),
                id=workflow_id,
                task_queue=task_queue,
            )

    await asyncio.gather(*(start_one(i) for i in range(count)))
    return started


@dataclass
class Closed:
    """When each workflow closed, and how many events its history holds."""

    times: dict[str, float]
    history_events: dict[str, int]


async def closed_workflows(
    client: Client, workflow_ids: set[str], prefix: str, timeout: float
) -> Closed:
    """The workflows (in the orchestrator's namespace), once all of them have closed."""
    deadline = time.monotonic() + timeout
    query = f'TaskQueue = "{orchestrator_task_queue(prefix)}" AND ExecutionStatus != "Running"'
    while True:
        closed = {
            w.id: w
            async for w in client.list_workflows(query)
            if w.id in workflow_ids and w.close_time is not None
        }
        if len(closed) == len(workflow_ids) or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    events = {w.id: w.history_length for w in closed.values()}
    # Visibility records the history length as a workflow closes; ask the server directly for
    # any it does not have.
    unknown = [workflow_id for workflow_id, length in events.items() if not length]
    slots = asyncio.Semaphore(16)

    async def describe(workflow_id: str) -> None:
        async with slots:
            events[workflow_id] = (
                await client.get_workflow_handle(workflow_id).describe()
            ).history_length

    await asyncio.gather(*(describe(w) for w in unknown))
    return Closed(
        {w.id: w.close_time.timestamp() for w in closed.values() if w.close_time is not None},
        events,
    )
