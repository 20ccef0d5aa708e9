"""The agencies' own systems as a test sees them: the cases each has opened, its officers'
decisions, and whether it decides at once or waits for an officer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from tests.harness.portal import step
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_step


async def agency_cases(agency: httpx.AsyncClient, declaration_id: str) -> list[dict[str, Any]]:
    response = await agency.get("/v1/cases", params={"declaration_id": declaration_id})
    assert response.status_code == 200
    cases: list[dict[str, Any]] = response.json()
    return cases


@asynccontextmanager
async def agency_policy(
    stack: Stack, agency: str, mode: str, delay: float = 0
) -> AsyncIterator[None]:
    """Let the agency's officers decide (manual) or delay its automatic decisions, for one test;
    then the agency's own policy again (the post's is to deliver after a delay, through its
    feed, which a delivery at once would skip)."""
    client = stack.officers[agency]
    before = await client.get("/sandbox/policy")
    assert before.status_code == 200
    response = await client.put("/sandbox/policy", json={"mode": mode, "delay_seconds": delay})
    assert response.status_code == 200
    try:
        yield
    finally:
        await client.put("/sandbox/policy", json=before.json())


async def officer_decides(
    stack: Stack,
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
    stack: Stack, declaration_id: str, procedure: str, timeout: float = 30.0
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
