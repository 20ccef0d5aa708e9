"""The postal service, which carries results to families who chose delivery by post. It numbers
each shipment by its tracking number, and reports the delivery later in its feed."""

from __future__ import annotations

from adapters.case_worker.agency_http import AgencyHttpClient
from agency_contracts.requests import ShipmentReceipt, ShipmentRequest


class PostalClient:
    def __init__(self, http: AgencyHttpClient) -> None:
        self.http = http

    async def send(self, request: ShipmentRequest) -> ShipmentReceipt:
        case = await self.http.submit("/v1/shipments", request)
        return ShipmentReceipt(tracking_number=case.case_number)
