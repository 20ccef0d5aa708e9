"""Delivering the one answer the way the family chose: pickup, post or electronic."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import NexusOperationError

with workflow.unsafe.imports_passed_through():
    from agency_contracts.requests import ShipmentRequest
    from agency_contracts.services import PostalService
    from messages import Message
    from schemas.common import Delivery
    from schemas.status import DeliveryState, StepState

from workflows.declaration_progress import DeclarationProgress


def _documents(progress: DeclarationProgress) -> list[str]:
    """The papers in the envelope: each approved record, and a notice of the decisions."""
    documents = [
        f"{step.procedure.value}:{step.case_number}"
        for step in progress.view.steps
        if step.status == StepState.APPROVED
    ]
    return [*documents, f"decision_notice:{progress.view.declaration_id}"]


async def deliver_results(
    progress: DeclarationProgress, delivery: Delivery, postal_endpoint: str
) -> None:
    """Hand the results over. Posting them never fails the declaration: while the postal
    service is down it is retried, and if it refuses the shipment the delivery stays pending
    for an operator."""
    if delivery.method == "pickup":
        progress.set_delivery(DeliveryState.READY_FOR_PICKUP)
    elif delivery.method == "electronic":
        # The results are in the declaration's status, which the portal shows the family.
        progress.set_delivery(DeliveryState.SENT)
    else:
        assert delivery.postal_address is not None, "checked at intake"
        post = workflow.create_nexus_client(service=PostalService, endpoint=postal_endpoint)
        try:
            receipt = await post.execute_operation(
                PostalService.post_results,
                ShipmentRequest(
                    declaration_id=progress.view.declaration_id,
                    idempotency_key=f"{progress.view.declaration_id}:delivery:1",
                    recipient_address=delivery.postal_address,
                    documents=_documents(progress),
                ),
                summary=f"post: results of {progress.view.declaration_id}",
            )
        except NexusOperationError as error:
            workflow.logger.warning("delivery_failed", extra={"error": str(error)})
            progress.record_event("delivery_failed", reason=Message.of("delivery.postal_refused"))
            return
        progress.set_delivery(DeliveryState.POSTED, receipt.tracking_number)
