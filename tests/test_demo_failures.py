"""`make run`'s demo when a step fails: it says what failed and where to look, goes on with the
other declarations, and returns without raising, so the stack it files into stays up."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from devstack.declaration_factory import DeclarationFactory
from devstack.demo import plan_demo, run_demo
from devstack.demo_report import DemoStack, Filed, not_closed
from devstack.processes import free_port
from settings import get_settings
from tests.harness.stack import Stack


def demo_stack(stack: Stack) -> DemoStack:
    namespace = stack.settings.temporal_namespace
    return DemoStack(
        api_url=stack.api_url,
        police_url=stack.services.agency_urls["police"],
        workflows_url=f"{stack.services.ui_url}/namespaces/{namespace}/workflows",
        log_dir=stack.services.log_dir,
    )


async def test_a_refused_filing_is_reported_and_the_others_go_on(
    stack: Stack, factory: DeclarationFactory
) -> None:
    where = demo_stack(stack)
    # The demo's birth and its death, the death filed without its declarant.
    birth, death, *_ = await asyncio.to_thread(plan_demo, factory, where)
    del death.body["declarant"]
    # The demo talks to the API synchronously; the test's API serves on this event loop.
    report = await asyncio.to_thread(run_demo, where, stack.settings, None, [birth, death])

    (failure,) = report.failures
    assert failure.what.startswith("filing Tờ khai tử: the portal API answered 422")
    assert "body.declarant" in failure.what
    assert failure.where_to_look == (f"the portal API's log: {where.log_dir / 'portal-api.log'}",)
    (filed,) = report.filed
    assert filed.title == birth.title
    assert report.outcomes[filed.declaration_id]["status"] == "completed"
    assert "1 step(s) failed" in report.render_failures()

    # The stack it filed into still serves.
    assert (await stack.api.get("/healthz")).status_code == 200
    status = await stack.api.get(f"/v1/declarations/{filed.declaration_id}")
    assert status.json()["status"] == "completed"


def test_an_agency_that_does_not_answer_is_named_with_its_log(
    bundled_factory: DeclarationFactory, tmp_path: Path
) -> None:
    """The police registry, which the demo asks who is alive, is down: nothing is filed."""
    down = f"http://127.0.0.1:{free_port()}"
    where = DemoStack(
        api_url=f"http://127.0.0.1:{free_port()}",
        police_url=down,
        workflows_url="http://127.0.0.1:8233/namespaces/lienthong/workflows",
        log_dir=tmp_path,
    )
    report = run_demo(where, get_settings(), bundled_factory)
    (failure,) = report.failures
    assert failure.what == f"the police population registry: {down} did not answer (ConnectError)"
    assert failure.where_to_look == (f"its log: {tmp_path / 'sandbox-police.log'}",)
    assert report.filed == []


def test_a_declaration_still_open_points_at_its_workflow_and_the_agency_it_waits_for(
    tmp_path: Path,
) -> None:
    where = DemoStack(
        api_url="http://127.0.0.1:8000",
        police_url="http://127.0.0.1:8102",
        workflows_url="http://127.0.0.1:8233/namespaces/lienthong/workflows",
        log_dir=tmp_path,
    )
    filed = Filed("Tờ khai tử", "LT-20261207-0A1B2C3D4E", "declaration-LT-20261207-0A1B2C3D4E")
    status = {
        "status": "in_progress",
        "steps": [
            {"agency": "justice", "status": "approved"},
            {"agency": "social_security", "status": "submitted"},
            {"agency": "social_security", "status": "pending"},
        ],
    }
    failure = not_closed(filed.title, filed, status, 120.4, replace(where, worker_log="worker-x"))
    assert failure.what == "Tờ khai tử LT-20261207-0A1B2C3D4E: still in_progress after 120s"
    assert failure.where_to_look == (
        (
            "the workflow in the Temporal UI: http://127.0.0.1:8233/namespaces/lienthong/"
            "workflows/declaration-LT-20261207-0A1B2C3D4E"
        ),
        "its status: http://127.0.0.1:8000/v1/declarations/LT-20261207-0A1B2C3D4E",
        f"the workers' log: {tmp_path / 'worker-x.log'}",
        f"the social_security service's log: {tmp_path / 'sandbox-social_security.log'}",
    )
