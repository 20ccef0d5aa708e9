"""Small helpers the tests share."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from temporalio.client import Client

CLOSED = frozenset({"completed", "partially_completed", "rejected", "withdrawn"})


async def submit(
    api: httpx.AsyncClient, kind: str, body: dict[str, Any], key: str | None = None
) -> dict[str, Any]:
    headers = {"Idempotency-Key": key} if key else {}
    response = await api.post(f"/v1/declarations/{kind}", json=body, headers=headers)
    assert response.status_code == 202, response.text
    accepted: dict[str, Any] = response.json()
    return accepted


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


async def agency_cases(agency: httpx.AsyncClient, declaration_id: str) -> list[dict[str, Any]]:
    response = await agency.get("/v1/cases", params={"declaration_id": declaration_id})
    assert response.status_code == 200
    cases: list[dict[str, Any]] = response.json()
    return cases


def step(view: dict[str, Any], procedure: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in view["steps"] if s["procedure"] == procedure)
    return found


async def eventually_listed(client: Client, query: str, timeout: float = 10.0) -> list[str]:
    """Workflow IDs matching a visibility query, waiting for visibility to catch up."""
    deadline = time.monotonic() + timeout
    while True:
        found = [w.id async for w in client.list_workflows(query)]
        if found or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


@asynccontextmanager
async def agency_policy(
    stack: Any, agency: str, mode: str, delay: float = 0
) -> AsyncIterator[None]:
    """Let the agency's officers decide (manual) or delay its automatic decisions, for one test."""
    client = stack.officers[agency]
    response = await client.put("/sandbox/policy", json={"mode": mode, "delay_seconds": delay})
    assert response.status_code == 200
    try:
        yield
    finally:
        await client.put("/sandbox/policy", json={"mode": "immediate", "delay_seconds": 0})


async def officer_decides(
    stack: Any,
    agency: str,
    case_number: str,
    outcome: str,
    reason: str | None = None,
    supplement: dict[str, Any] | None = None,
) -> dict[str, Any]:
    response = await stack.officers[agency].post(
        f"/v1/officer/cases/{case_number}/decision",
        json={"outcome": outcome, "reason": reason, "supplement": supplement},
    )
    assert response.status_code == 200, response.text
    decided: dict[str, Any] = response.json()
    return decided


async def open_case(
    stack: Any, declaration_id: str, procedure: str, timeout: float = 30.0
) -> dict[str, Any]:
    """The step once its agency has opened a case for it, with the agency's case number (the
    orchestrator learns it with the agency's decision; the agency knows it at once)."""
    view = await wait_for_step(stack.api, declaration_id, procedure, {"submitted"})
    agency = step(view, procedure)["agency"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cases = await agency_cases(stack.agencies[agency], declaration_id)
        pending = [c for c in cases if c["procedure"] == procedure and c["status"] == "pending"]
        if pending:
            return {**step(view, procedure), "case_number": pending[-1]["case_number"]}
        await asyncio.sleep(0.1)
    raise AssertionError(f"no open {procedure} case at the {agency} office for {declaration_id}")
