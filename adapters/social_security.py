"""Viet Nam Social Security's system."""

from __future__ import annotations

from adapters.agency_http import AgencyHttpClient
from schemas.agency_requests import (
    FuneralAllowanceRequest,
    HealthInsuranceCardRequest,
    SurvivorBenefitRequest,
)
from schemas.results import (
    AgencyDecision,
    FuneralAllowanceResult,
    HealthInsuranceCardResult,
    SurvivorBenefitResult,
)


class SocialSecurityClient:
    def __init__(self, http: AgencyHttpClient) -> None:
        self.http = http

    async def issue_health_insurance_card(
        self, request: HealthInsuranceCardRequest
    ) -> AgencyDecision:
        case = await self.http.submit("/v1/health-insurance-cards", request)
        return AgencyDecision(
            case_number=case.case_number,
            result=HealthInsuranceCardResult.model_validate(case.record),
        )

    async def settle_funeral_allowance(self, request: FuneralAllowanceRequest) -> AgencyDecision:
        case = await self.http.submit("/v1/funeral-allowances", request)
        return AgencyDecision(
            case_number=case.case_number,
            result=FuneralAllowanceResult.model_validate(case.record),
        )

    async def settle_survivor_benefit(self, request: SurvivorBenefitRequest) -> AgencyDecision:
        case = await self.http.submit("/v1/survivor-benefits", request)
        return AgencyDecision(
            case_number=case.case_number,
            result=SurvivorBenefitResult.model_validate(case.record),
        )
