"""An agency's case activities: the submission of each of its procedures to its system, at the
route the procedure table names, and the follow-ups on a case (cancelling it, reminding or
escalating it), which each agency's case worker registers under the same names, in its own
namespace."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pydantic import BaseModel
from temporalio import activity

from adapters.case_worker.agency_errors import agency_outcomes_for_temporal
from adapters.case_worker.agency_http import AgencyHttpClient
from adapters.case_worker.case_decisions import receipt_from_case
from adapters.case_worker.case_follow_ups import AgencyCaseClient
from agency_contracts.decisions import AgencyReceipt
from agency_contracts.procedures import AgencyProcedure, procedures_at
from agency_contracts.requests import CaseRequest
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


Submission = Callable[[CaseRequest], Awaitable[AgencyReceipt]]


def _submission(row: AgencyProcedure[Any, Any], http: AgencyHttpClient) -> Submission:
    async def submit(request: CaseRequest) -> AgencyReceipt:
        bind_activity_context(request.declaration_id)
        with agency_outcomes_for_temporal():
            case = await http.submit(row.route, request)
        return receipt_from_case(row.agency, case)

    return activity.defn(name=row.submission)(submit)


def submissions(agency: str, http: AgencyHttpClient) -> list[Submission]:
    """The activity that submits each of the agency's procedures: the case's workflow runs it
    by the name the procedure table gives it."""
    return [_submission(row, http) for row in procedures_at(agency)]
