"""One case at an agency, in the agency's own namespace: started by the orchestrator's Nexus
operation, it submits the request to the agency's system and waits for the agency's signed
decision, however many days it takes. Reminders and escalations reach it from the orchestrator;
cancelling the operation (a withdrawal) cancels the case at the agency."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RawValue, WorkflowIDReusePolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from adapters.case_worker.case_activities import AgencyCaseActivities, CaseAction
    from agency_contracts.decisions import AgencyReceipt, FollowUpKind, OfficerDecision
    from agency_contracts.documents import DocumentIssue
    from agency_contracts.procedures import PROCEDURES
    from agency_contracts.requests import CaseRequest
    from schemas.common import Procedure

from adapters.case_worker.case_submission import AGENCY_RETRY_POLICY, decision_from_refusal
from adapters.case_worker.result_document import ResultDocumentWorkflow, document_workflow_id


class CaseSubmission(BaseModel):
    request: CaseRequest
    # How long one call to the agency's system may take before it is tried again.
    call_timeout_seconds: float = 30.0


def case_workflow_id(case_reference: str) -> str:
    """The case's workflow in the agency's namespace, named by the submission's idempotency key:
    a repeated start finds the same case, and a follow-up finds it without its case number."""
    return f"case-{case_reference}"


@workflow.defn(name="AgencyCase")
class AgencyCaseWorkflow:
    @workflow.init
    def __init__(self, submission: CaseSubmission) -> None:
        # Decisions the agency's feed brought, by case number, until the case takes its own.
        self._decisions: dict[str, OfficerDecision] = {}
        self._follow_ups: list[FollowUpKind] = []
        self._case_number: str | None = None
        self._call_timeout = timedelta(seconds=submission.call_timeout_seconds)

    @workflow.signal(name="record_decision")
    def record_decision(self, decision: OfficerDecision) -> None:
        self._decisions[decision.case_number] = decision

    @workflow.signal(name="follow_up")
    def follow_up(self, kind: FollowUpKind) -> None:
        self._follow_ups.append(kind)

    @workflow.signal(dynamic=True)
    def refuse_signal(self, name: str, args: Sequence[RawValue]) -> None:
        """A signal this case does not take is dropped where the agency's operators see it
        (one it takes but cannot read is dropped by the SDK, which logs it)."""
        workflow.logger.warning("signal_refused", extra={"signal": name[:80]})

    @workflow.query(name="case_number")
    def case_number(self) -> str | None:
        return self._case_number

    @workflow.run
    async def run(self, submission: CaseSubmission) -> OfficerDecision:
        request = submission.request
        try:
            decision = await self._decide(request)
        except asyncio.CancelledError:
            decision = await self._withdraw(request)
        return await self._with_documents(request, decision)

    async def _decide(self, request: CaseRequest) -> OfficerDecision:
        receipt = await self._submit(request)
        if isinstance(receipt, OfficerDecision):
            return receipt  # refused outright, with the agency's signed reasons
        if receipt.decision is not None:
            return receipt.decision
        self._case_number = receipt.case_number
        return await self._await_decision(request.declaration_id, receipt.case_number)

    async def _with_documents(
        self, request: CaseRequest, decision: OfficerDecision
    ) -> OfficerDecision:
        """An approved record's signed result is issued after the decision, by a workflow of its
        own that outlives the case: the decision goes back at once, never held by a printer."""
        if decision.outcome != "approved" or decision.result is None:
            return decision
        await workflow.start_child_workflow(
            ResultDocumentWorkflow.run,
            DocumentIssue(
                declaration_id=request.declaration_id,
                procedure=Procedure(request.procedure),
                case_number=decision.case_number,
                result=decision.result,
                issued_at=decision.decided_at,
            ),
            id=document_workflow_id(request.idempotency_key),
            parent_close_policy=ParentClosePolicy.ABANDON,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
        return decision

    async def _submit(self, request: CaseRequest) -> AgencyReceipt | OfficerDecision:
        try:
            # A local activity: the submission runs on the case worker that started the case,
            # recorded as one marker instead of a task the server dispatches. It is retried the
            # same way while the agency is down (beyond a minute, behind a timer).
            receipt: AgencyReceipt = await workflow.execute_local_activity(
                # The agency's activity that submits the procedure to its system.
                PROCEDURES[Procedure(request.procedure)].submission,
                request,
                result_type=AgencyReceipt,
                start_to_close_timeout=self._call_timeout,
                retry_policy=AGENCY_RETRY_POLICY,
                summary=f"submit {request.procedure}",
            )
            return receipt
        except (ActivityError, ApplicationError) as error:
            return decision_from_refusal(error, request.procedure, workflow.now())

    async def _await_decision(self, declaration_id: str, case_number: str) -> OfficerDecision:
        while True:
            await workflow.wait_condition(
                lambda: case_number in self._decisions or bool(self._follow_ups)
            )
            if case_number in self._decisions:
                return self._decisions.pop(case_number)
            kind = self._follow_ups.pop(0)
            try:
                await workflow.execute_activity_method(
                    AgencyCaseActivities.follow_up_case,
                    CaseAction(declaration_id=declaration_id, case_number=case_number, kind=kind),
                    start_to_close_timeout=self._call_timeout,
                    retry_policy=AGENCY_RETRY_POLICY,
                    schedule_to_close_timeout=timedelta(hours=1),
                    summary=f"{kind} on case {case_number}",
                )
            except ActivityError:
                # A reminder the agency never took is logged by its activity; the case goes on.
                workflow.logger.warning("follow_up_not_delivered", extra={"kind": kind})

    async def _withdraw(self, request: CaseRequest) -> OfficerDecision:
        """Cancel the case at the agency. The agency's answer says what the case is now: a
        decision it made first stands, and is returned as such."""
        receipt = await self._submit(request)  # the case, found again by its idempotency key
        if isinstance(receipt, OfficerDecision):
            return receipt
        if receipt.decision is not None:
            return receipt.decision
        if receipt.case_number in self._decisions:
            return self._decisions.pop(receipt.case_number)
        cancelled: AgencyReceipt = await workflow.execute_activity_method(
            AgencyCaseActivities.cancel_case,
            CaseAction(
                declaration_id=request.declaration_id,
                case_number=receipt.case_number,
                kind="cancel",
            ),
            start_to_close_timeout=self._call_timeout,
            retry_policy=AGENCY_RETRY_POLICY,
            summary=f"cancel case {receipt.case_number}",
        )
        assert cancelled.decision is not None, "a cancelled case carries its final state"
        return cancelled.decision
