"""The post's feed, relayed as any agency's is: each shipment it delivered, reported to the
shipment's workflow waiting for it."""

from __future__ import annotations

from adapters.case_worker.decision_feed import DecisionRelay, FeedEntry, settled
from adapters.postal.shipment_delivery import ShipmentDeliveryWorkflow, delivery_workflow_id
from agency_contracts.requests import DeliveryReport


class DeliveryRelay(DecisionRelay):
    async def _deliver(self, entry: FeedEntry) -> bool:
        case = entry.case
        if case.status != "approved" or case.idempotency_key is None:
            return True  # nothing delivered: no one waits for it
        delivered_at = (case.record or {}).get("delivered_at") or case.decided_at
        report = DeliveryReport.model_validate(
            {"tracking_number": case.case_number, "delivered_at": delivered_at}
        )
        handle = self.client.get_workflow_handle(delivery_workflow_id(case.idempotency_key))
        signalled = handle.signal(ShipmentDeliveryWorkflow.record_delivery, report)
        return await settled(signalled, outcome="delivered")
