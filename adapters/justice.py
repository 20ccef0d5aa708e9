"""The justice office's civil-status system."""

from __future__ import annotations

from adapters.agency_http import AgencyHttpClient
from schemas.agency_requests import BirthRegistrationRequest, DeathRegistrationRequest
from schemas.results import AgencyDecision, BirthRegistrationResult, DeathRegistrationResult


class JusticeClient:
    def __init__(self, http: AgencyHttpClient) -> None:
        self.http = http

    async def register_birth(self, request: BirthRegistrationRequest) -> AgencyDecision:
        case = await self.http.submit("/v1/birth-registrations", request)
        return AgencyDecision(
            case_number=case.case_number,
            result=BirthRegistrationResult.model_validate(case.record),
        )

    async def register_death(self, request: DeathRegistrationRequest) -> AgencyDecision:
        case = await self.http.submit("/v1/death-registrations", request)
        return AgencyDecision(
            case_number=case.case_number,
            result=DeathRegistrationResult.model_validate(case.record),
        )
