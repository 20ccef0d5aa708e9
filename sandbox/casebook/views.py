"""What an agency shows of its cases, and what its officers and callers send about them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from sandbox.casebook.tables import Case


class SupplementIn(BaseModel):
    fields: list[str] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    message: str = Field(min_length=3, max_length=2000)


class CaseView(BaseModel):
    case_number: str
    procedure: str
    declaration_id: str
    # The caller's reference for the case: its case worker finds the case's workflow by it.
    idempotency_key: str
    status: str
    rejection: dict[str, str] | None = None
    record: dict[str, Any] | None = None
    supplement: SupplementIn | None = None
    supersedes: str | None = None
    reminders: int = 0
    escalations: int = 0
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    signed_decision: str | None = None
    decision_signature: str | None = None


class DecisionView(BaseModel):
    decision_id: int
    case: CaseView
    outcome: str
    decided_at: datetime


class DeadLetterIn(BaseModel):
    # Why the adapter could not carry the decision to its case: codes and field names only.
    reason: str = Field(min_length=1, max_length=2000)


class DeadLetterView(BaseModel):
    decision_id: int
    case_number: str
    procedure: str
    outcome: str
    decided_at: datetime
    reason: str
    dead_lettered_at: datetime


class OfficerDecisionIn(BaseModel):
    outcome: Literal["approve", "reject", "request_supplement"]
    reason: str | None = Field(default=None, max_length=2000)
    supplement: SupplementIn | None = None


class FollowUpIn(BaseModel):
    kind: Literal["reminder", "escalation"]


def case_view(case: Case) -> CaseView:
    rejection = None
    if case.status == "rejected":
        rejection = {"code": case.rejection_code or "rejected", "reason": case.reason or ""}
    return CaseView(
        case_number=case.case_number,
        procedure=case.procedure,
        declaration_id=case.declaration_id,
        idempotency_key=case.idempotency_key,
        status=case.status,
        rejection=rejection,
        record=json.loads(case.record_json) if case.record_json else None,
        supplement=SupplementIn.model_validate_json(case.supplement_json)
        if case.supplement_json
        else None,
        supersedes=case.supersedes,
        reminders=case.reminders,
        escalations=case.escalations,
        created_at=case.created_at,
        decided_at=case.decided_at,
        decided_by=case.decided_by,
        signed_decision=case.signed_decision,
        decision_signature=case.decision_signature,
    )
