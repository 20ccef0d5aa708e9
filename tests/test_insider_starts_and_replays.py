"""What an insider who reaches the orchestrator's namespace can no longer do: start a
declaration the portal never filed (an edited copy of a real one, a copy started again, an
input without the API's word), or send again the bytes of an update the citizen once sent.
Each is refused before any agency hears of it, changes nothing in the store, and is audited."""

from __future__ import annotations

import json
from typing import Any

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType, UpdateWorkflowExecutionLifecycleStage
from temporalio.api.update.v1 import Input, Meta, Request, WaitPolicy
from temporalio.api.workflowservice.v1 import UpdateWorkflowExecutionRequest
from temporalio.common import WorkflowIDReusePolicy

from devstack.declaration_factory import DeclarationFactory
from schemas.workflow_inputs import orchestrator_task_queue
from store.audit import audit_trail
from store.declarations import get_declaration
from temporal_connection import search_attributes
from temporal_connection.data_converter import encryption_codec
from tests.harness.agency_offices import agency_cases, agency_policy, officer_decides, open_case
from tests.harness.portal import submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status


async def start_input(stack: Stack, workflow_id: str) -> dict[str, Any]:
    """A declaration's start input as an operator reads it through the codec server."""
    history = await stack.client.get_workflow_handle(workflow_id).fetch_history()
    sealed = history.events[0].workflow_execution_started_event_attributes.input.payloads[0]
    opened = encryption_codec(stack.settings).reading_every_ring().decrypt(sealed)
    decoded: dict[str, Any] = json.loads(opened.data)
    return decoded


def refusals(stack: Stack, declaration_id: str) -> list[str]:
    return [
        (e.detail or "").split(":")[0]
        for e in audit_trail(stack.engine, declaration_id)
        if e.action == "start_refused" and e.outcome == "denied"
    ]


async def test_a_start_the_portal_did_not_file_contacts_no_agency(
    stack: Stack, factory: DeclarationFactory
) -> None:
    accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
    declaration_id, workflow_id = accepted["declaration_id"], accepted["workflow_id"]
    assert (await wait_for_status(stack.api, declaration_id))["status"] == "completed"
    await stack.client.get_workflow_handle(workflow_id).result()  # its notices sent, it ends
    record_before = get_declaration(stack.engine, declaration_id)
    assert record_before is not None
    cases_before = {
        agency: await agency_cases(stack.agencies[agency], declaration_id)
        for agency in ("justice", "police", "social_security")
    }
    original = await start_input(stack, workflow_id)
    task_queue = orchestrator_task_queue(stack.settings.task_queue_prefix)

    edited = json.loads(json.dumps(original))
    edited["declaration"]["child"]["full_name"] = "Nguyễn Văn Giả Mạo"
    unattested = {k: v for k, v in original.items() if k != "attestation"}
    forgeries = {
        # An edited copy under a workflow ID of its own.
        f"{workflow_id}-edited": (edited, "start_signature_invalid"),
        # The real input, word for word, under another workflow ID.
        f"{workflow_id}-copy": (original, "start_signature_invalid"),
        # An input without the API's attestation.
        f"{workflow_id}-bare": (unattested, "start_not_attested"),
        # The real input started again under its own ID, now that it has ended.
        workflow_id: (original, "start_already_acted_on"),
    }
    for forged_id, (forged_input, problem) in forgeries.items():
        handle = await stack.client.start_workflow(
            "BirthDeclarationWorkflow",
            forged_input,
            id=forged_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        )
        result = await handle.result()
        assert result["status"] == "failed"
        assert result["status_reason_code"] == problem
        described = await handle.describe()
        attributes = described.typed_search_attributes
        assert attributes.get(search_attributes.STATUS) == "failed"
        assert attributes.get(search_attributes.STATUS_REASON) == problem

    # Nothing reached an agency, the store's record is as it was, and each refusal is audited.
    for agency, cases in cases_before.items():
        assert await agency_cases(stack.agencies[agency], declaration_id) == cases
    record_after = get_declaration(stack.engine, declaration_id)
    assert record_after is not None
    assert record_after.status_sealed == record_before.status_sealed
    assert record_after.updated_at == record_before.updated_at
    assert sorted(refusals(stack, declaration_id)) == sorted(p for _, p in forgeries.values())


async def test_an_update_sent_again_from_its_recorded_bytes_changes_nothing(
    stack: Stack, factory: DeclarationFactory
) -> None:
    couple = next(factory.couples())
    async with agency_policy(stack, "justice", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(couple))
        declaration_id, workflow_id = accepted["declaration_id"], accepted["workflow_id"]
        case = await open_case(stack, declaration_id, "birth_registration")
        await officer_decides(
            stack,
            "justice",
            case["case_number"],
            "request_supplement",
            supplement={"fields": ["mother.full_name"], "message": "Ghi đầy đủ họ tên mẹ."},
        )
        await wait_for_status(stack.api, declaration_id, frozenset({"awaiting_supplement"}))
        answer = await stack.api.post(
            f"/v1/declarations/{declaration_id}/supplement",
            json={"changes": {"mother": {"full_name": couple.mother.full_name}}},
        )
        assert answer.status_code == 202, answer.text
        second = await open_case(stack, declaration_id, "birth_registration")

        # The update as it was recorded, sent again with the CLI's means: no key, no token.
        history = await stack.client.get_workflow_handle(workflow_id).fetch_history()
        accepted_update = next(
            e.workflow_execution_update_accepted_event_attributes
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        )
        recorded = accepted_update.accepted_request.input
        replay = await stack.client.workflow_service.update_workflow_execution(
            UpdateWorkflowExecutionRequest(
                namespace=stack.client.namespace,
                workflow_execution=WorkflowExecution(workflow_id=workflow_id),
                wait_policy=WaitPolicy(
                    lifecycle_stage=UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED
                ),
                request=Request(
                    meta=Meta(update_id="replayed-answer", identity="insider@cli"),
                    input=Input(name=recorded.name, args=recorded.args),
                ),
            )
        )
        assert replay.outcome.HasField("failure")
        # No new case at justice: the replay reopened nothing.
        cases = await agency_cases(stack.agencies["justice"], declaration_id)
        assert [c["case_number"] for c in cases].count(second["case_number"]) == 1
        assert len(cases) == 2
        await officer_decides(stack, "justice", second["case_number"], "approve")
        view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "completed"
    denied = [
        e
        for e in audit_trail(stack.engine, declaration_id)
        if e.action == "answer_supplement" and e.outcome == "denied"
    ]
    assert len(denied) == 1
    assert denied[0].actor == "temporal:unattested"
    assert "update_replayed" in (denied[0].detail or "")
