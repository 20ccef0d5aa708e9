"""Prometheus metrics: the SDK's and the product's from a worker, the API's from the API on an
address of its own (never on the public API), with labels that no request can multiply."""

from __future__ import annotations

import asyncio
import random
import secrets
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from fastapi.routing import iter_route_contexts
from prometheus_client.parser import text_string_to_metric_families

from devstack.declaration_factory import DeclarationFactory
from devstack.processes import free_port
from portal_api.app import create_app
from portal_api.metrics import METHODS, OTHER_METHOD, UNMATCHED_ROUTE, OverdueDeclarations
from schemas.metric_scales import AGENCY_DECISION_TIME_BUCKETS
from store.database import create_store_engine, session_scope
from store.models import DeclarationRecord
from tests.harness.api_process import api_process
from tests.harness.portal import submit
from tests.harness.session_services import SessionServices
from tests.harness.stack import StackFactory
from tests.harness.waiting import wait_for_status


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


async def test_worker_metrics(
    stack_factory: StackFactory, services: SessionServices, factory: DeclarationFactory
) -> None:
    stack = await stack_factory(with_workers=False)
    metrics_port = free_port()
    env = stack.worker_env()
    env["METRICS_BIND_ADDRESS"] = f"127.0.0.1:{metrics_port}"
    process = services.launcher.spawn_worker(["all"], "worker-with-metrics", env=env)[0]
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
    # The SDK's own metrics, and the product's, from the same endpoint, named as Prometheus
    # expects: counters end in `_total`, durations in `_seconds`.
    samples = [
        sample for family in text_string_to_metric_families(page) for sample in family.samples
    ]
    names = {sample.name for sample in samples}
    assert "temporal_workflow_completed_total" in names
    assert "temporal_workflow_task_schedule_to_start_latency_seconds_bucket" in names
    assert any(
        s.name == "lienthong_agency_steps_total"
        and s.labels["agency"] == "justice"
        and s.labels["outcome"] == "approved"
        for s in samples
    )
    assert any(
        s.name == "lienthong_declarations_closed_total" and s.labels["status"] == "completed"
        for s in samples
    )
    # An officer's decision is bucketed on the scale of days, not the SDK's milliseconds.
    decision_buckets = {
        float(s.labels["le"])
        for s in samples
        if s.name == "lienthong_agency_decision_time_seconds_bucket"
    }
    assert decision_buckets == {*AGENCY_DECISION_TIME_BUCKETS, float("inf")}


def api_series(page: str) -> set[tuple[str, tuple[tuple[str, str], ...]]]:
    """The API's request series on a metrics page, by name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items())))
        for family in text_string_to_metric_families(page)
        if family.name.startswith("lienthong_api_")
        for sample in family.samples
        if not sample.name.endswith("_created")
    }


async def test_api_metrics_are_served_apart_from_the_public_api(
    stack_factory: StackFactory, factory: DeclarationFactory
) -> None:
    stack = await stack_factory(with_workers=False)
    metrics_port = free_port()
    portal = {"Authorization": f"Bearer {stack.token('portal')}"}
    with api_process(stack, API_METRICS_BIND_ADDRESS=f"127.0.0.1:{metrics_port}") as api_proc:
        async with httpx.AsyncClient(base_url=api_proc.url, timeout=30, headers=portal) as api:
            accepted = await submit(api, "birth", factory.birth(next(factory.couples())))
            # The public API serves no metrics, to anyone.
            assert (await api.get("/metrics")).status_code == 404
            anonymous = await api.get("/metrics", headers={"Authorization": ""})
            assert anonymous.status_code in (401, 404)
            page = await scrape(f"http://127.0.0.1:{metrics_port}/metrics", 'status="202"')
    assert (await stack.api.get("/metrics")).status_code == 404
    requests = [
        line for line in page.splitlines() if line.startswith("lienthong_api_requests_total")
    ]
    assert any(
        'route="/v1/declarations/birth"' in line and 'status="202"' in line for line in requests
    )
    # Declaration IDs never become labels.
    assert accepted["declaration_id"] not in page
    # The declarations overdue now, counted from the store as the page is served.
    overdue = {
        sample.labels["procedure"]
        for family in text_string_to_metric_families(page)
        for sample in family.samples
        if sample.name == "lienthong_declarations_overdue"
    }
    assert overdue == {"birth", "death"}


def test_overdue_declarations_are_those_open_past_their_deadline(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'store.db'}")
    now = datetime.now(UTC)

    def declaration(number: int, procedure: str, status: str, deadline: datetime | None) -> None:
        with session_scope(engine) as session:
            session.add(
                DeclarationRecord(
                    declaration_id=f"D{number}",
                    procedure=procedure,
                    status=status,
                    workflow_id=f"declaration-D{number}",
                    request_fingerprint="",
                    received_at=now - timedelta(days=20),
                    deadline=deadline,
                    status_sealed=b"",
                    updated_at=now,
                )
            )
            session.commit()

    late, on_time = now - timedelta(hours=1), now + timedelta(hours=1)
    declaration(1, "birth", "in_progress", late)
    declaration(2, "birth", "received", late)
    declaration(3, "death", "in_progress", late)
    declaration(4, "birth", "in_progress", on_time)
    # Closed ones are no longer overdue, and while the citizen is asked for a supplement the
    # agencies' time limit waits.
    declaration(5, "birth", "completed", late)
    declaration(6, "death", "withdrawn", late)
    declaration(7, "death", "awaiting_supplement", late)
    declaration(8, "death", "in_progress", None)
    counts = {
        sample.labels["procedure"]: sample.value
        for family in OverdueDeclarations(engine).collect()
        for sample in family.samples
    }
    assert counts == {"birth": 2, "death": 1}


async def test_made_up_methods_and_paths_add_no_series(stack_factory: StackFactory) -> None:
    stack = await stack_factory(with_workers=False)
    metrics_port = free_port()
    metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
    portal = {"Authorization": f"Bearer {stack.token('portal')}"}
    templates = {
        route.path_format for route in iter_route_contexts(create_app(stack.settings).router.routes)
    }

    def made_up_request() -> tuple[str, str, dict[str, str]]:
        method = random.choice(["X", "PROPFIND", "GETT", "post", "BREW"]) + secrets.token_hex(3)
        path = random.choice(
            [
                "/v1/declarations/birth",
                f"/v1/declarations/{secrets.token_hex(8)}",
                f"/v1/declarations/{secrets.token_hex(8)}/withdraw",
                f"/{secrets.token_hex(8)}/{secrets.token_hex(4)}",
                "/healthz",
            ]
        )
        return method.upper(), path, random.choice([portal, {}])

    with api_process(stack, API_METRICS_BIND_ADDRESS=f"127.0.0.1:{metrics_port}") as api_proc:
        async with httpx.AsyncClient(base_url=api_proc.url, timeout=30) as api:
            # One of each kind first: each may add its one series of made-up methods.
            for path in (
                "/v1/declarations/birth",
                "/v1/declarations/x",
                "/v1/declarations/x/withdraw",
                "/no/where",
                "/healthz",
            ):
                for headers in (portal, {}):
                    await api.request("BREW", path, headers=headers)
            async with httpx.AsyncClient(timeout=10) as scraper:
                before = api_series((await scraper.get(metrics_url)).text)
                for _ in range(300):
                    method, path, headers = made_up_request()
                    await api.request(method, path, headers=headers)
                after = api_series((await scraper.get(metrics_url)).text)
    assert after == before
    for _, labels in after:
        values = dict(labels)
        assert values["method"] in METHODS | {OTHER_METHOD}
        assert values["route"] in templates | {UNMATCHED_ROUTE}
        if "status" in values:
            assert len(values["status"]) == 3 and values["status"].isdigit()
