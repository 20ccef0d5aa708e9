"""Waiting for what happens asynchronously: a declaration reaching a status, a step reaching a
state, its results reaching the family, the visibility store listing a workflow."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from temporalio.client import Client

CLOSED = frozenset({"completed", "partially_completed", "rejected", "withdrawn"})


async def wait_for_status(
    api: httpx.AsyncClient,
    declaration_id: str,
    statuses: frozenset[str] = CLOSED,
    timeout: float = 60.0,
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = await api.get(f"/v1/declarations/{declaration_id}")
        assert response.status_code == 200, response.text
        last = response.json()
        if last["status"] in statuses:
            return last
        await asyncio.sleep(0.2)
    raise AssertionError(f"{declaration_id} did not reach {sorted(statuses)}; last: {last}")


async def wait_for_step(
    api: httpx.AsyncClient,
    declaration_id: str,
    procedure: str,
    statuses: set[str],
    timeout: float = 30.0,
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view: dict[str, Any] = (await api.get(f"/v1/declarations/{declaration_id}")).json()
        step = next(s for s in view["steps"] if s["procedure"] == procedure)
        if step["status"] in statuses:
            return view
        await asyncio.sleep(0.1)
    raise AssertionError(f"{procedure} of {declaration_id} never reached {statuses}")


async def wait_for_delivery(
    api: httpx.AsyncClient, declaration_id: str, status: str, timeout: float = 30.0
) -> dict[str, Any]:
    """The declaration once its results reach the delivery status (the post's report comes
    after the declaration has closed)."""
    deadline = time.monotonic() + timeout
    view: dict[str, Any] = {}
    while time.monotonic() < deadline:
        view = (await api.get(f"/v1/declarations/{declaration_id}")).json()
        if view["delivery"]["status"] == status:
            return view
        await asyncio.sleep(0.1)
    raise AssertionError(f"delivery of {declaration_id} never reached {status}; last: {view}")


async def eventually_listed(client: Client, query: str, timeout: float = 10.0) -> list[str]:
    """Workflow IDs matching a visibility query, waiting for visibility to catch up."""
    deadline = time.monotonic() + timeout
    while True:
        found = [w.id async for w in client.list_workflows(query)]
        if found or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


async def eventually_unlisted(client: Client, query: str, timeout: float = 10.0) -> bool:
    """Whether a visibility query stops matching anything within the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        if not [w.id async for w in client.list_workflows(query)]:
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.2)
