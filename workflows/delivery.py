"""Delivering the one answer the way the family chose: pickup, post or electronic."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.postal import PostalActivities
    from schemas.agency_requests import ShipmentReceipt, ShipmentRequest
    from schemas.common import Delivery
    from schemas.status import DeliveryState, StepState

from workflows.agency_steps import AGENCY_RETRY_POLICY
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
    progress: DeclarationProgress,
    delivery: Delivery,
    postal_task_queue: str,
    call_timeout: timedelta,
) -> None:
    if delivery.method == "pickup":
        progress.set_delivery(DeliveryState.READY_FOR_PICKUP)
    elif delivery.method == "electronic":
        # The results are in the declaration's status, which the portal shows the family.
        progress.set_delivery(DeliveryState.SENT)
    else:
        assert delivery.postal_address is not None, "checked at intake"
        receipt: ShipmentReceipt = await workflow.execute_activity_method(
            PostalActivities.send_results,
            ShipmentRequest(
                declaration_id=progress.view.declaration_id,
                idempotency_key=f"{progress.view.declaration_id}:delivery:1",
                recipient_address=delivery.postal_address,
                documents=_documents(progress),
            ),
            task_queue=postal_task_queue,
            start_to_close_timeout=call_timeout,
            retry_policy=AGENCY_RETRY_POLICY,
            summary=f"post: results of {progress.view.declaration_id}",
        )
        progress.set_delivery(DeliveryState.POSTED, receipt.tracking_number)
