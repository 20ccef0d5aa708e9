"""The police's steps, run by the adapter worker on the police task queue."""

from __future__ import annotations

from temporalio import activity

from adapters.case_worker.agency_errors import agency_outcomes_for_temporal
from adapters.police.registry import PoliceClient
from agency_contracts.decisions import AgencyReceipt, IdentityCheckRequest, IdentityProblem
from agency_contracts.requests import ResidenceRegistrationRequest, ResidenceRemovalRequest
from observability.activity_context import bind_activity_context


class PoliceActivities:
    def __init__(self, client: PoliceClient) -> None:
        self.client = client

    @activity.defn(name="police.register_residence")
    async def register_residence(self, request: ResidenceRegistrationRequest) -> AgencyReceipt:
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            return await self.client.register_residence(request)

    @activity.defn(name="police.verify_identities")
    async def verify_identities(self, request: IdentityCheckRequest) -> list[IdentityProblem]:
        """The cross-check before any agency is engaged: each declared person against the
        population registry."""
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            return await self.client.verify_identities(request.claims)

    @activity.defn(name="police.remove_residence")
    async def remove_residence(self, request: ResidenceRemovalRequest) -> AgencyReceipt:
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            return await self.client.remove_residence(request)
