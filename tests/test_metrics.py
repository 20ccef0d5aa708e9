"""Prometheus metrics: the SDK's and the product's from a worker, the API's from the API."""

from __future__ import annotations

import asyncio
import time

import httpx

from local_stack.declaration_factory import DeclarationFactory
from local_stack.processes import free_port, worker
from tests.conftest import SessionServices, StackFactory
from tests.support import submit, wait_for_status


async def scrape(url: str, wanted: str, timeout: float = 30) -> str:
    """The metrics page once it shows `wanted` (the worker exports every few seconds)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=5) as client:
        while True:
            try:
                page = (await client.get(url)).text
                if wanted in page or time.monotonic() > deadline:
                    return page
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
            await asyncio.sleep(0.5)


async def test_worker_and_api_metrics(
    stack_factory: StackFactory, services: SessionServices, factory: DeclarationFactory
) -> None:
    stack = await stack_factory(with_workers=False)
    metrics_port = free_port()
    env = stack.worker_env()
    env["METRICS_BIND_ADDRESS"] = f"127.0.0.1:{metrics_port}"
    process = worker(["all"], services.log_dir, env, name="worker-with-metrics")
    try:
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        assert (await wait_for_status(stack.api, accepted["declaration_id"]))["status"] == (
            "completed"
        )
        page = await scrape(
            f"http://127.0.0.1:{metrics_port}/metrics", "lienthong_declarations_closed"
        )
    finally:
        process.stop()
    # The SDK's own metrics, and the product's, from the same endpoint.
    assert "temporal_workflow_completed" in page
    steps = [line for line in page.splitlines() if line.startswith("lienthong_agency_steps")]
    assert any('agency="justice"' in line and 'outcome="approved"' in line for line in steps)
    assert any(line.startswith("lienthong_agency_step_latency") for line in page.splitlines())
    assert any(
        line.startswith("lienthong_declarations_closed") and 'status="completed"' in line
        for line in page.splitlines()
    )

    api_page = (await stack.api.get("/metrics")).text
    requests = [
        line for line in api_page.splitlines() if line.startswith("lienthong_api_requests_total")
    ]
    assert any(
        'route="/v1/declarations/birth"' in line and 'status="202"' in line for line in requests
    )
    # Declaration IDs never become labels.
    assert accepted["declaration_id"] not in api_page
