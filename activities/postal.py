"""Sending results by post, run by the postal adapter worker on the postal task queue."""

from __future__ import annotations

from temporalio import activity

from activities.agency_errors import agency_outcomes_for_temporal, bind_activity_context
from adapters.postal import PostalClient
from agency_contracts.requests import ShipmentReceipt, ShipmentRequest


class PostalActivities:
    def __init__(self, client: PostalClient) -> None:
        self.client = client

    @activity.defn(name="postal.send_results")
    async def send_results(self, request: ShipmentRequest) -> ShipmentReceipt:
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            return await self.client.send(request)
