"""Faults lose no declaration and register nothing twice: an agency outage, a killed worker, a
workflow Temporal has forgotten, and an unreachable Temporal."""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack

import httpx
import pytest
from sqlmodel import Session, select
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.service import RPCError

from adapters.case_worker.agency_case import case_workflow_id
from devstack.declaration_factory import DeclarationFactory
from devstack.processes import ManagedProcess, free_port
from store.models import DeclarationRecord
from temporal_connection.client import connect
from tests.harness.agency_offices import agency_cases, agency_policy, officer_decides, open_case
from tests.harness.configuration import agency_settings_for, stack_settings
from tests.harness.portal import step, submit
from tests.harness.session_services import SessionServices
from tests.harness.stack import Stack, StackFactory, serve_api
from tests.harness.waiting import wait_for_status, wait_for_step


async def test_agency_outage_is_retried_until_the_step_completes(
    stack: Stack, factory: DeclarationFactory
) -> None:
    police = stack.officers["police"]
    async with agency_policy(stack, "justice", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        case = await open_case(stack, accepted["declaration_id"], "birth_registration")
        # Eight seconds of refusals from now: they cover the police's step even when the
        # justice decision takes a few seconds to reach it on a loaded machine, and outlast the
        # case worker's own quick tries, so Temporal retries the submission.
        await police.put("/sandbox/faults", json={"outage_seconds": 8, "status_code": 503})
        try:
            await officer_decides(stack, "justice", case["case_number"], "approve")
            view = await wait_for_status(stack.api, accepted["declaration_id"])
        finally:
            await police.delete("/sandbox/faults")
    assert view["status"] == "completed"
    assert len(await agency_cases(stack.agencies["police"], accepted["declaration_id"])) == 1

    # The retries happened inside the police's own namespace, in the case's workflow.
    police_client = await connect(agency_settings_for(stack.services, stack.settings, "police"))
    police_case = police_client.get_workflow_handle(
        case_workflow_id(f"{accepted['declaration_id']}:residence_registration:1")
    )
    # The submission is a local activity: its marker records the attempt that succeeded (in
    # the marker's own data, which holds no personal data and is not encrypted).
    attempts = []
    async for event in police_case.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
            (data,) = event.marker_recorded_event_attributes.details["data"].payloads
            attempts.append(json.loads(data.data)["attempt"])
    assert max(attempts) >= 2, "the police submission should have needed a second attempt"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["birth", "death"])
async def test_worker_killed_mid_flight_recovers_without_duplicates(
    stack_factory: StackFactory,
    services: SessionServices,
    factory: DeclarationFactory,
    kind: str,
) -> None:
    stack = await stack_factory(with_workers=False, agency_call_timeout_seconds=4.0)
    env = stack.worker_env()
    launcher = services.launcher

    async def started(name: str) -> ManagedProcess:
        process, ready, timeout = launcher.spawn_worker(["all"], name, env=env)
        await asyncio.to_thread(launcher.await_ready, process, ready, timeout)
        return process

    first = await started("worker-to-kill")
    police = stack.officers["police"]
    # The police answer after 1.2 s: the kill falls while the police's step is being submitted.
    await police.put("/sandbox/faults", json={"delay_seconds": 1.2})
    try:
        if kind == "birth":
            body, registration = factory.birth(next(factory.couples())), "birth_registration"
        else:
            deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
            body, registration = factory.death(deceased), "death_registration"
        accepted = await submit(stack.api, kind, body)
        await wait_for_step(
            stack.api, accepted["declaration_id"], registration, {"approved"}, timeout=90
        )
        first.kill()
        # What a lost worker leaves behind (its workflow tasks, local activities and Nexus
        # tasks) is retried once the server's timeouts for them run out: on a loaded machine
        # that, and a worker's start, take a good part of a minute.
        restarted = await started("worker-restarted")
        try:
            view = await wait_for_status(stack.api, accepted["declaration_id"], timeout=180)
        finally:
            restarted.stop()
    finally:
        first.kill()
        await police.delete("/sandbox/faults")
    assert view["status"] == "completed", view
    # One case per step at each agency: a death's two benefits are two cases at social security.
    expected = {
        "justice": 1,
        "police": 1,
        "social_security": len(view["steps"]) - 2,
        "postal": 1 if body["delivery"]["method"] == "post" else 0,
    }
    for agency, count in expected.items():
        cases = await agency_cases(stack.agencies[agency], accepted["declaration_id"])
        assert len(cases) == count, (agency, cases)


async def test_status_outlives_the_workflow_in_temporal(
    stack: Stack, factory: DeclarationFactory
) -> None:
    # Results in the citizen's account: the workflow closes once they are, with nothing left to
    # change the status (a post's delivery would, after the status reads completed).
    body = factory.birth(next(factory.couples()), delivery="electronic")
    accepted = await submit(stack.api, "birth", body)
    assert (await wait_for_status(stack.api, accepted["declaration_id"]))["status"] == "completed"
    handle = stack.client.get_workflow_handle(accepted["workflow_id"])
    await asyncio.wait_for(handle.result(), timeout=60)
    completed = (await stack.api.get(f"/v1/declarations/{accepted['declaration_id']}")).json()
    assert completed["delivery"]["status"] == "available", completed

    # What the namespace's retention does after its period: the execution is deleted.
    await stack.client.workflow_service.delete_workflow_execution(
        DeleteWorkflowExecutionRequest(
            namespace=stack.client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=accepted["workflow_id"]),
        )
    )
    # The server deletes in the background, once it has recorded the close (a few seconds).
    for _ in range(240):
        try:
            await handle.describe()
        except RPCError:
            break
        await asyncio.sleep(0.5)
    else:
        pytest.fail("the workflow execution was not deleted")

    response = await stack.api.get(f"/v1/declarations/{accepted['declaration_id']}")
    assert response.status_code == 200
    assert response.json() == completed
    assert step(response.json(), "birth_registration")["result"]["civil_status_record_number"]


async def test_unknown_declaration_is_404(intake_stack: Stack) -> None:
    response = await intake_stack.api.get("/v1/declarations/LT-20260101-0000000000")
    assert response.status_code == 404


async def test_health_reports_temporal_and_store(
    intake_stack: Stack, services: SessionServices
) -> None:
    healthy = await intake_stack.api.get("/healthz")
    assert healthy.status_code == 200
    assert healthy.json()["checks"] == {"temporal": "ok", "store": "ok"}

    async with AsyncExitStack() as exits:
        unreachable = stack_settings(services, temporal_address=f"127.0.0.1:{free_port()}")
        url = await serve_api(unreachable, exits)
        async with httpx.AsyncClient(base_url=url) as api:
            response = await api.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["temporal"].startswith("unreachable")
    assert response.json()["checks"]["store"] == "ok"


async def test_submission_while_temporal_is_unreachable_records_nothing(
    services: SessionServices, factory: DeclarationFactory, intake_stack: Stack
) -> None:
    def on_record() -> int:
        with Session(intake_stack.engine) as session:
            return len(session.exec(select(DeclarationRecord)).all())

    before = on_record()
    async with AsyncExitStack() as exits:
        unreachable = stack_settings(services, temporal_address=f"127.0.0.1:{free_port()}")
        url = await serve_api(unreachable, exits)
        portal = {"Authorization": f"Bearer {intake_stack.token('portal')}"}
        async with httpx.AsyncClient(base_url=url, timeout=30, headers=portal) as api:
            response = await api.post(
                "/v1/declarations/birth", json=factory.birth(next(factory.couples()))
            )
    assert response.status_code == 503
    assert "nothing was recorded" in response.json()["detail"]
    assert on_record() == before
