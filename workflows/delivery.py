"""Delivering the one answer the way the family chose: pickup, post or electronic."""

from __future__ import annotations

import asyncio
import contextlib

from temporalio import workflow
from temporalio.exceptions import NexusOperationError

with workflow.unsafe.imports_passed_through():
    from agency_contracts.requests import DeliveryReport, DeliveryWatch, ShipmentRequest
    from agency_contracts.services import POSTAL_AGENCY, PostalService
    from legal_deadlines.legal_clock import LegalClock
    from legal_deadlines.procedure_limits import POSTAL_DELIVERY_WAIT_WORKING_DAYS
    from messages import Message
    from schemas.common import Delivery
    from schemas.status import DeliveryState, StepState
    from schemas.workflow_inputs import NexusEndpoints

from workflows.deadline_clock import DeadlineClock
from workflows.declaration_progress import DeclarationProgress

# The post's delivery of a shipment, which the declaration waits for once it is closed.
OnTheWay = workflow.NexusOperationHandle[DeliveryReport]


def _documents(progress: DeclarationProgress) -> list[str]:
    """The papers in the envelope: each approved record, and a notice of the decisions."""
    documents = [
        f"{step.procedure.value}:{step.case_number}"
        for step in progress.view.steps
        if step.status == StepState.APPROVED
    ]
    return [*documents, f"decision_notice:{progress.view.declaration_id}"]


async def deliver_results(
    progress: DeclarationProgress, delivery: Delivery, endpoints: NexusEndpoints
) -> OnTheWay | None:
    """Hand the results over; posted results are on their way until the post reports them
    delivered (`receive_delivery`). Posting them never fails the declaration: while the postal
    service is down it is retried, and if it refuses the shipment the delivery stays pending
    for an operator."""
    if delivery.method == "pickup":
        assert delivery.pickup_agency is not None, "checked at intake"
        agency = Message.of(f"agency.{delivery.pickup_agency.value}")
        progress.set_delivery(
            DeliveryState.READY_FOR_PICKUP, Message.of("delivery.ready_for_pickup", agency=agency)
        )
        return None
    if delivery.method == "electronic":
        # The results are in the declaration's status and documents, which the portal shows in
        # the citizen's account: nothing is sent.
        progress.set_delivery(DeliveryState.AVAILABLE, Message.of("delivery.available_on_portal"))
        return None
    assert delivery.postal_address is not None, "checked at intake"
    post = workflow.create_nexus_client(service=PostalService, endpoint=endpoints.of(POSTAL_AGENCY))
    shipment_reference = f"{progress.view.declaration_id}:delivery:1"
    # Watched before it is posted, so that the report of a quick delivery finds its watch.
    on_the_way = await post.start_operation(
        PostalService.await_delivery,
        DeliveryWatch(
            declaration_id=progress.view.declaration_id, shipment_reference=shipment_reference
        ),
        summary=f"post: delivery of {progress.view.declaration_id}",
    )
    try:
        receipt = await post.execute_operation(
            PostalService.post_results,
            ShipmentRequest(
                declaration_id=progress.view.declaration_id,
                idempotency_key=shipment_reference,
                recipient_address=delivery.postal_address,
                documents=_documents(progress),
            ),
            summary=f"post: results of {progress.view.declaration_id}",
        )
    except NexusOperationError as error:
        workflow.logger.warning("delivery_failed", extra={"error": str(error)})
        progress.record_event("delivery_failed", reason=Message.of("delivery.postal_refused"))
        # Nothing was posted, so nothing will be delivered: the post's watch ends.
        on_the_way.cancel()
        with contextlib.suppress(NexusOperationError):
            await on_the_way
        return None
    progress.set_delivery(
        DeliveryState.POSTED,
        Message.of("delivery.posted", tracking_number=receipt.tracking_number),
        tracking_number=receipt.tracking_number,
    )
    return on_the_way


POST_LIMIT = "post_delivery"


async def _report(on_the_way: OnTheWay) -> DeliveryReport:
    return await on_the_way


async def receive_delivery(
    progress: DeclarationProgress, on_the_way: OnTheWay, clock: LegalClock, deadlines: DeadlineClock
) -> None:
    """Wait for the post's delivery report: results by post end when the post reports them
    delivered. Not for ever: past the post's limit the results stay posted, for an operator."""
    deadlines.set(POST_LIMIT, clock.deadline(workflow.now(), POSTAL_DELIVERY_WAIT_WORKING_DAYS))
    reported = asyncio.ensure_future(_report(on_the_way))
    await workflow.wait_condition(lambda: reported.done() or deadlines.passed(POST_LIMIT))
    deadlines.forget(POST_LIMIT)
    if not reported.done():
        on_the_way.cancel()
        with contextlib.suppress(NexusOperationError, asyncio.CancelledError):
            await reported
        progress.view.delivery.notice = Message.of(
            "delivery.not_reported", days=POSTAL_DELIVERY_WAIT_WORKING_DAYS
        )
        progress.record_event("delivery_not_reported", reason=progress.view.delivery.notice)
        return
    try:
        report = reported.result()
    except NexusOperationError as error:
        # The post's watch ended without a report: the results stay posted, for an operator.
        workflow.logger.warning("delivery_not_reported", extra={"error": str(error)})
        return
    progress.set_delivery(
        DeliveryState.DELIVERED,
        Message.of("delivery.delivered", tracking_number=report.tracking_number),
        tracking_number=report.tracking_number,
        delivered_at=report.delivered_at,
    )
