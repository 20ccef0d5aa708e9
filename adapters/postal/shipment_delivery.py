"""A posted shipment on its way, in the postal service's own namespace: started by the
orchestrator's Nexus operation before the shipment is posted, it ends with the post's delivery
report, which the post's feed brings. Cancelling the operation (a shipment the post refused)
ends it."""

from __future__ import annotations

from collections.abc import Sequence

from temporalio import workflow
from temporalio.common import RawValue

with workflow.unsafe.imports_passed_through():
    from agency_contracts.requests import DeliveryReport, DeliveryWatch


def delivery_workflow_id(shipment_reference: str) -> str:
    """Named by the shipment's idempotency key, which the post's feed carries with each report."""
    return f"delivery-{shipment_reference}"


@workflow.defn(name="ShipmentDelivery")
class ShipmentDeliveryWorkflow:
    @workflow.init
    def __init__(self, watch: DeliveryWatch) -> None:
        self._report: DeliveryReport | None = None

    @workflow.signal(name="record_delivery")
    def record_delivery(self, report: DeliveryReport) -> None:
        # A report relayed twice (two relays, or after a restart) is the same delivery.
        if self._report is None:
            self._report = report

    @workflow.signal(dynamic=True)
    def refuse_signal(self, name: str, args: Sequence[RawValue]) -> None:
        """A signal this shipment does not take is dropped where the agency's operators see it
        (one it takes but cannot read is dropped by the SDK, which logs it)."""
        workflow.logger.warning("signal_refused", extra={"signal": name[:80]})

    @workflow.run
    async def run(self, watch: DeliveryWatch) -> DeliveryReport:
        await workflow.wait_condition(lambda: self._report is not None)
        assert self._report is not None
        return self._report
