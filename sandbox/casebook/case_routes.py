"""The routes every agency offers on its cases: lookup, cancellation and follow-ups for its
adapter, the officers' desk, and the decision feed with its dead letters."""

from __future__ import annotations

from fastapi import APIRouter, Header, HTTPException

from sandbox.casebook.decisions import Rejected, SupplementNeeded
from sandbox.casebook.service import AgencyBook
from sandbox.casebook.views import (
    CaseView,
    DeadLetterIn,
    DeadLetterView,
    DecisionView,
    FollowUpIn,
    OfficerDecisionIn,
)


def case_routes(book: AgencyBook) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "agency": book.name}

    @router.get("/v1/cases/{case_number}", response_model=CaseView)
    async def get_case(case_number: str) -> CaseView:
        return book.case(case_number)

    @router.get("/v1/cases", response_model=list[CaseView])
    async def list_cases(
        declaration_id: str | None = None, status: str | None = None
    ) -> list[CaseView]:
        return book.cases(declaration_id, status)

    @router.post("/v1/cases/{case_number}/cancel", response_model=CaseView)
    async def cancel_case(case_number: str) -> CaseView:
        return await book.cancel(case_number)

    @router.post("/v1/cases/{case_number}/follow-ups", response_model=CaseView)
    async def follow_up(case_number: str, body: FollowUpIn) -> CaseView:
        return await book.follow_up(case_number, body.kind)

    @router.get("/v1/officer/cases", response_model=list[CaseView])
    async def officer_queue(status: str = "pending") -> list[CaseView]:
        return book.cases(status=status)

    @router.post("/v1/officer/cases/{case_number}/decision", response_model=CaseView)
    async def officer_decision(
        case_number: str,
        body: OfficerDecisionIn,
        officer: str = Header(default="officer", alias="X-Officer-Id", max_length=60),
    ) -> CaseView:
        if body.outcome == "approve":
            return await book.officer_approves(case_number, officer)
        if body.outcome == "reject":
            rejection = Rejected("officer_rejected", body.reason or "Rejected by the officer.")
            return await book.officer_rules(case_number, officer, rejection)
        if body.supplement is None:
            raise HTTPException(status_code=422, detail="Say what the citizen must supplement.")
        supplement = SupplementNeeded(
            body.supplement.fields, body.supplement.documents, body.supplement.message
        )
        return await book.officer_rules(case_number, officer, supplement)

    @router.get("/v1/decisions", response_model=list[DecisionView])
    async def decision_feed(limit: int = 100) -> list[DecisionView]:
        return book.unacknowledged_decisions(min(max(limit, 1), 500))

    @router.post("/v1/decisions/{decision_id}/ack", status_code=204)
    async def acknowledge(decision_id: int) -> None:
        await book.acknowledge(decision_id)

    @router.post("/v1/decisions/{decision_id}/dead-letter", status_code=204)
    async def dead_letter(decision_id: int, body: DeadLetterIn) -> None:
        """The adapter could not carry the decision to its case: it leaves the feed, and waits
        among the dead letters for the agency's operators."""
        await book.acknowledge(decision_id, dead_letter=body.reason)

    @router.get("/v1/officer/dead-letters", response_model=list[DeadLetterView])
    async def dead_letters(limit: int = 100) -> list[DeadLetterView]:
        return book.dead_letters(min(max(limit, 1), 500))

    return router
