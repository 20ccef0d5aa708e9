"""Social security's steps, run by the adapter worker on the social-security task queue."""

from __future__ import annotations

from temporalio import activity

from adapters.case_worker.agency_errors import agency_outcomes_for_temporal
from adapters.social_security.client import SocialSecurityClient
from agency_contracts.decisions import AgencyReceipt
from agency_contracts.requests import (
    FuneralAllowanceRequest,
    HealthInsuranceCardRequest,
    SurvivorBenefitRequest,
)
from observability.activity_context import bind_activity_context


class SocialSecurityActivities:
    def __init__(self, client: SocialSecurityClient) -> None:
        self.client = client

    @activity.defn(name="social_security.issue_health_insurance_card")
    async def issue_health_insurance_card(
        self, request: HealthInsuranceCardRequest
    ) -> AgencyReceipt:
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            return await self.client.issue_health_insurance_card(request)

    @activity.defn(name="social_security.settle_funeral_allowance")
    async def settle_funeral_allowance(self, request: FuneralAllowanceRequest) -> AgencyReceipt:
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            return await self.client.settle_funeral_allowance(request)

    @activity.defn(name="social_security.settle_survivor_benefit")
    async def settle_survivor_benefit(self, request: SurvivorBenefitRequest) -> AgencyReceipt:
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            return await self.client.settle_survivor_benefit(request)
