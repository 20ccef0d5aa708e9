"""Following up a case at an agency: cancelling it, reminding or escalating it. Each agency's
adapter worker registers these under the same names on its own task queue."""

from __future__ import annotations

from temporalio import activity

from activities.agency_errors import agency_outcomes_for_temporal, bind_activity_context
from adapters.agency_cases import AgencyCaseClient
from adapters.case_decisions import receipt_from_case
from schemas.common import Agency
from schemas.decisions import AgencyReceipt, CaseCancellation, CaseFollowUp


class AgencyCaseActivities:
    def __init__(self, agency: Agency, client: AgencyCaseClient) -> None:
        self.agency = agency
        self.client = client

    @activity.defn(name="agency.cancel_case")
    async def cancel_case(self, request: CaseCancellation) -> AgencyReceipt:
        """Cancel the case if still open. A case the agency decided first keeps its decision,
        which the receipt reports."""
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            case = await self.client.cancel(request.case_number)
        return receipt_from_case(self.agency, case)

    @activity.defn(name="agency.follow_up_case")
    async def follow_up_case(self, request: CaseFollowUp) -> None:
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            await self.client.follow_up(request.case_number, request.kind)
