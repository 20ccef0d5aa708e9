"""Viet Nam Social Security's system."""

from __future__ import annotations

from adapters.case_worker.agency_http import AgencyHttpClient
from adapters.case_worker.case_decisions import receipt_from_case
from agency_contracts.decisions import AgencyReceipt
from agency_contracts.requests import (
    FuneralAllowanceRequest,
    HealthInsuranceCardRequest,
    SurvivorBenefitRequest,
)
from schemas.common import Agency


class SocialSecurityClient:
    def __init__(self, http: AgencyHttpClient) -> None:
        self.http = http

    async def issue_health_insurance_card(
        self, request: HealthInsuranceCardRequest
    ) -> AgencyReceipt:
        case = await self.http.submit("/v1/health-insurance-cards", request)
        return receipt_from_case(Agency.SOCIAL_SECURITY, case)

    async def settle_funeral_allowance(self, request: FuneralAllowanceRequest) -> AgencyReceipt:
        case = await self.http.submit("/v1/funeral-allowances", request)
        return receipt_from_case(Agency.SOCIAL_SECURITY, case)

    async def settle_survivor_benefit(self, request: SurvivorBenefitRequest) -> AgencyReceipt:
        case = await self.http.submit("/v1/survivor-benefits", request)
        return receipt_from_case(Agency.SOCIAL_SECURITY, case)
