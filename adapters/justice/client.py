"""The justice office's civil-status system."""

from __future__ import annotations

from adapters.case_worker.agency_http import AgencyHttpClient
from adapters.case_worker.case_decisions import receipt_from_case
from agency_contracts.decisions import AgencyReceipt
from agency_contracts.requests import BirthRegistrationRequest, DeathRegistrationRequest
from schemas.common import Agency


class JusticeClient:
    def __init__(self, http: AgencyHttpClient) -> None:
        self.http = http

    async def register_birth(self, request: BirthRegistrationRequest) -> AgencyReceipt:
        case = await self.http.submit("/v1/birth-registrations", request)
        return receipt_from_case(Agency.JUSTICE, case)

    async def register_death(self, request: DeathRegistrationRequest) -> AgencyReceipt:
        case = await self.http.submit("/v1/death-registrations", request)
        return receipt_from_case(Agency.JUSTICE, case)
