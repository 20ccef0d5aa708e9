"""Reading an agency's case as a decision on a declaration's step."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.case_worker.agency_http import AgencyCase
from agency_contracts.decisions import AgencyReceipt, DecisionOutcome, OfficerDecision
from schemas.common import Agency
from schemas.results import step_result
from schemas.supplements import SupplementNeed

_OUTCOMES: dict[str, DecisionOutcome] = {
    "approved": "approved",
    "rejected": "rejected",
    "awaiting_supplement": "supplement_requested",
    "cancelled": "cancelled",
}


def decision_from_case(
    agency: Agency, case: AgencyCase, decision_id: str
) -> OfficerDecision | None:
    """The decision a case carries, or None while it is still pending."""
    outcome = _OUTCOMES.get(case.status)
    if outcome is None:
        return None
    return OfficerDecision(
        decision_id=decision_id,
        agency=agency,
        case_number=case.case_number,
        outcome=outcome,
        reason=case.rejection.reason if case.rejection else None,
        reason_code=case.rejection.code if case.rejection else None,
        result=step_result(case.procedure, case.record),
        supplement=SupplementNeed(
            fields=case.supplement.fields,
            documents=case.supplement.documents,
            message=case.supplement.message,
        )
        if case.supplement and outcome == "supplement_requested"
        else None,
        decided_at=case.decided_at or datetime.now(UTC),
        decided_by=case.decided_by,
        signed=case.signed_decision,
        signature=case.decision_signature,
    )


def receipt_from_case(agency: Agency, case: AgencyCase) -> AgencyReceipt:
    return AgencyReceipt(
        case_number=case.case_number,
        decision=decision_from_case(agency, case, f"{agency.value}:{case.case_number}:inline"),
    )
