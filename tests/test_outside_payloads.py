"""Nothing from outside can wedge a workflow: a payload that cannot be decrypted, decoded or
validated, sent to every signal and update name of a running declaration, of an agency's case
and of the post's shipment, is refused or dropped where it arrives, and each still completes
without a single failed workflow task."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from temporalio.api.common.v1 import Payload, Payloads, WorkflowExecution
from temporalio.api.enums.v1 import (
    EventType,
    UpdateWorkflowExecutionLifecycleStage,
    WorkflowTaskFailedCause,
)
from temporalio.api.update.v1 import Input, Meta, Request, WaitPolicy
from temporalio.api.workflowservice.v1 import (
    SignalWorkflowExecutionRequest,
    UpdateWorkflowExecutionRequest,
)
from temporalio.client import Client

from adapters.case_worker.agency_case import case_workflow_id
from adapters.postal.shipment_delivery import delivery_workflow_id
from devstack.declaration_factory import DeclarationFactory
from settings import AgencyWorkerSettings
from store.audit import audit_trail
from temporal_connection.client import connect
from temporal_connection.data_converter import encryption_codec
from temporal_connection.encryption_codec import ENCODING, KEY_ID, EncryptionCodec
from tests.harness.agency_offices import agency_cases, agency_policy, officer_decides, open_case
from tests.harness.configuration import agency_settings_for
from tests.harness.portal import submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_delivery

UPDATES = {"declaration": ("answer_supplement", "withdraw")}
SIGNALS = {
    # A declaration takes no signal at all; these are the names an insider would guess.
    "declaration": ("answer_supplement", "withdraw", "record_decision"),
    "case": ("record_decision", "follow_up", "no_such_signal"),
    "shipment": ("record_delivery", "no_such_signal"),
}


def bad_payloads(codec: EncryptionCodec, key_id: str) -> list[Payload]:
    """One byte claiming to be encrypted; the same under the party's own key id; JSON in
    clear; and JSON properly sealed with the party's own key but of no shape the handler
    takes (as an insider holding the key could send)."""
    nonsense = Payload(metadata={"encoding": b"json/plain"}, data=b'{"nonsense": [1, 2]}')
    return [
        Payload(metadata={"encoding": ENCODING}, data=b"\x00"),
        Payload(metadata={"encoding": ENCODING, KEY_ID: key_id.encode()}, data=b"\x00"),
        nonsense,
        codec.encrypt(nonsense),
    ]


async def signal_each(
    client: Client, workflow_id: str, names: Sequence[str], payloads: list[Payload]
) -> None:
    for name in names:
        for payload in payloads:
            await client.workflow_service.signal_workflow_execution(
                SignalWorkflowExecutionRequest(
                    namespace=client.namespace,
                    workflow_execution=WorkflowExecution(workflow_id=workflow_id),
                    signal_name=name,
                    input=Payloads(payloads=[payload]),
                    identity="insider@cli",
                )
            )


async def update_each(
    client: Client, workflow_id: str, names: Sequence[str], payloads: list[Payload]
) -> None:
    for name in names:
        for n, payload in enumerate(payloads):
            answer = await client.workflow_service.update_workflow_execution(
                UpdateWorkflowExecutionRequest(
                    namespace=client.namespace,
                    workflow_execution=WorkflowExecution(workflow_id=workflow_id),
                    wait_policy=WaitPolicy(
                        lifecycle_stage=UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED
                    ),
                    request=Request(
                        meta=Meta(update_id=f"bad-{name}-{n}", identity="insider@cli"),
                        input=Input(name=name, args=Payloads(payloads=[payload])),
                    ),
                )
            )
            assert answer.outcome.HasField("failure"), f"{name} took a bad payload"


async def completed_cleanly(client: Client, workflow_id: str) -> None:
    handle = client.get_workflow_handle(workflow_id)
    await asyncio.wait_for(handle.result(), timeout=60)
    events = [e async for e in handle.fetch_history_events()]
    failed = [
        e.workflow_task_failed_event_attributes
        for e in events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    # The one failed task that is not the payloads': the stack's Nexus endpoints are registered
    # just before the test files its declaration, and on a loaded machine the server may not
    # know them yet when the first operation is scheduled (it fails that task and retries it).
    unknown_endpoint = (
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_NEXUS_OPERATION_ATTRIBUTES
    )
    assert all(f.cause == unknown_endpoint and "not found" in f.failure.message for f in failed), [
        f.failure.message for f in failed
    ]
    assert events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


async def test_bad_payloads_to_every_handler_wedge_nothing(
    stack: Stack, factory: DeclarationFactory
) -> None:
    justice_settings = agency_settings_for(stack.services, stack.settings, "justice")
    postal_settings = agency_settings_for(stack.services, stack.settings, "postal")
    justice, postal = await connect(justice_settings), await connect(postal_settings)

    def party_payloads(settings: AgencyWorkerSettings) -> list[Payload]:
        return bad_payloads(encryption_codec(settings), settings.payload_encryption_active_key)

    ours = bad_payloads(
        encryption_codec(stack.settings), stack.settings.payload_encryption_active_key
    )
    async with agency_policy(stack, "justice", "manual"), agency_policy(stack, "postal", "manual"):
        body = factory.birth(next(factory.couples()), delivery="post")
        accepted = await submit(stack.api, "birth", body)
        declaration_id, workflow_id = accepted["declaration_id"], accepted["workflow_id"]
        case = await open_case(stack, declaration_id, "birth_registration")
        case_id = case_workflow_id(f"{declaration_id}:birth_registration:1")

        await update_each(stack.client, workflow_id, UPDATES["declaration"], ours)
        await signal_each(stack.client, workflow_id, SIGNALS["declaration"], ours)
        await signal_each(justice, case_id, SIGNALS["case"], party_payloads(justice_settings))

        await officer_decides(stack, "justice", case["case_number"], "approve")
        await wait_for_delivery(stack.api, declaration_id, "posted")
        shipment_id = delivery_workflow_id(f"{declaration_id}:delivery:1")
        await signal_each(postal, shipment_id, SIGNALS["shipment"], party_payloads(postal_settings))
        (shipment,) = await agency_cases(stack.agencies["postal"], declaration_id)
        await officer_decides(stack, "postal", shipment["case_number"], "approve")

    await completed_cleanly(stack.client, workflow_id)
    await completed_cleanly(justice, case_id)
    await completed_cleanly(postal, shipment_id)
    view = (await stack.api.get(f"/v1/declarations/{declaration_id}")).json()
    assert view["status"] == "completed"
    assert view["delivery"]["status"] == "delivered"
    # Each signal the declaration dropped is on its audit trail, refused, by no one attested.
    dropped = [
        e
        for e in audit_trail(stack.engine, declaration_id)
        if e.action == "signal_refused" and e.outcome == "denied"
    ]
    assert len(dropped) == len(SIGNALS["declaration"]) * len(ours)
    assert {e.actor for e in dropped} == {"temporal:unattested"}
