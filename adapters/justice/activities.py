"""The justice office's steps, run by the adapter worker on the justice task queue."""

from __future__ import annotations

from temporalio import activity

from adapters.case_worker.agency_errors import agency_outcomes_for_temporal
from adapters.justice.client import JusticeClient
from agency_contracts.decisions import AgencyReceipt
from agency_contracts.requests import BirthRegistrationRequest, DeathRegistrationRequest
from observability.activity_context import bind_activity_context


class JusticeActivities:
    def __init__(self, client: JusticeClient) -> None:
        self.client = client

    @activity.defn(name="justice.register_birth")
    async def register_birth(self, request: BirthRegistrationRequest) -> AgencyReceipt:
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            return await self.client.register_birth(request)

    @activity.defn(name="justice.register_death")
    async def register_death(self, request: DeathRegistrationRequest) -> AgencyReceipt:
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            return await self.client.register_death(request)
