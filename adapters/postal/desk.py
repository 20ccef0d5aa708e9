"""The post's desk in its case worker. It keeps no cases: it takes a shipment on the spot, and
the wait for its delivery starts the shipment's workflow in the post's namespace, which its feed
of delivery reports ends. It runs no activities and issues no documents."""

from __future__ import annotations

from nexusrpc.handler import StartOperationContext, service_handler, sync_operation
from temporalio import nexus

from adapters.case_worker.agency_desk import AgencyDesk
from adapters.case_worker.case_desk import outages_as_handler_errors
from adapters.postal.client import PostalClient
from adapters.postal.delivery_relay import DeliveryRelay
from adapters.postal.shipment_delivery import ShipmentDeliveryWorkflow, delivery_workflow_id
from agency_contracts.requests import (
    DeliveryReport,
    DeliveryWatch,
    ShipmentReceipt,
    ShipmentRequest,
)
from agency_contracts.services import POSTAL_AGENCY, PostalService
from observability.logging import bind_boundary_context


@service_handler(service=PostalService)
class PostalCounter:
    def __init__(self, post: PostalClient) -> None:
        self.post = post

    @sync_operation
    async def post_results(
        self, ctx: StartOperationContext, request: ShipmentRequest
    ) -> ShipmentReceipt:
        bind_boundary_context(
            declaration_id=request.declaration_id, operation=f"{ctx.service}.{ctx.operation}"
        )
        with outages_as_handler_errors():
            return await self.post.send(request)

    @nexus.workflow_run_operation
    async def await_delivery(
        self, ctx: nexus.WorkflowRunOperationContext, watch: DeliveryWatch
    ) -> nexus.WorkflowHandle[DeliveryReport]:
        bind_boundary_context(
            declaration_id=watch.declaration_id, operation=f"{ctx.service}.{ctx.operation}"
        )
        return await ctx.start_workflow(
            ShipmentDeliveryWorkflow.run, watch, id=delivery_workflow_id(watch.shipment_reference)
        )


POSTAL_DESK = AgencyDesk(
    POSTAL_AGENCY,
    lambda http, call_timeout: PostalCounter(PostalClient(http)),
    workflows=(ShipmentDeliveryWorkflow,),
    relay=DeliveryRelay,
)
