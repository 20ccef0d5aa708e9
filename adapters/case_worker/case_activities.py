"""Following up a case at an agency: cancelling it, reminding or escalating it. Each agency's
case worker registers these under the same names, in its own namespace."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from temporalio import activity

from adapters.case_worker.agency_errors import agency_outcomes_for_temporal
from adapters.case_worker.case_decisions import receipt_from_case
from adapters.case_worker.case_follow_ups import AgencyCaseClient
from agency_contracts.decisions import AgencyReceipt
from observability.activity_context import bind_activity_context
from schemas.common import Agency


class CaseAction(BaseModel):
    declaration_id: str
    case_number: str
    kind: Literal["reminder", "escalation", "cancel"]


class AgencyCaseActivities:
    def __init__(self, agency: Agency, client: AgencyCaseClient) -> None:
        self.agency = agency
        self.client = client

    @activity.defn(name="agency.cancel_case")
    async def cancel_case(self, action: CaseAction) -> AgencyReceipt:
        """Cancel the case if still open. A case the agency decided first keeps its decision,
        which the receipt reports."""
        bind_activity_context(action.declaration_id)
        with agency_outcomes_for_temporal():
            case = await self.client.cancel(action.case_number)
        return receipt_from_case(self.agency, case)

    @activity.defn(name="agency.follow_up_case")
    async def follow_up_case(self, action: CaseAction) -> None:
        bind_activity_context(action.declaration_id)
        with agency_outcomes_for_temporal():
            await self.client.follow_up(action.case_number, action.kind)
