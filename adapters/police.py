"""The police's residence system and population registry."""

from __future__ import annotations

from adapters.agency_http import AgencyHttpClient
from schemas.agency_requests import ResidenceRegistrationRequest, ResidenceRemovalRequest
from schemas.results import AgencyDecision, ResidenceRegistrationResult, ResidenceRemovalResult


class PoliceClient:
    def __init__(self, http: AgencyHttpClient) -> None:
        self.http = http

    async def register_residence(self, request: ResidenceRegistrationRequest) -> AgencyDecision:
        case = await self.http.submit("/v1/residence-registrations", request)
        return AgencyDecision(
            case_number=case.case_number,
            result=ResidenceRegistrationResult.model_validate(case.record),
        )

    async def remove_residence(self, request: ResidenceRemovalRequest) -> AgencyDecision:
        case = await self.http.submit("/v1/residence-removals", request)
        return AgencyDecision(
            case_number=case.case_number,
            result=ResidenceRemovalResult.model_validate(case.record),
        )
