"""An agency's decision on a step, the supplements the citizen is asked for, and the other
messages a declaration workflow receives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

from schemas.birth import BirthDeclaration
from schemas.common import Agency
from schemas.death import DeathDeclaration
from schemas.results import StepResult
from schemas.supplements import SupplementNeed

DecisionOutcome = Literal["approved", "rejected", "supplement_requested", "cancelled"]


class OfficerDecision(BaseModel):
    """An agency's decision on one of its cases, as the adapter relays it to the workflow."""

    decision_id: str
    agency: Agency
    case_number: str
    outcome: DecisionOutcome
    reason: str | None = None
    result: StepResult | None = None
    supplement: SupplementNeed | None = None
    decided_at: datetime
    decided_by: str | None = None
    # The decision exactly as the agency signed it, and the agency's signature over it.
    signed: str | None = None
    signature: str | None = None


class AgencyReceipt(BaseModel):
    """The agency's answer to a submission: its case number, and the decision when it decided
    at once."""

    case_number: str
    decision: OfficerDecision | None = None


class SupplementAnswer(BaseModel):
    """The citizen's answer, already merged into the declaration and checked at the edge."""

    declaration: BirthDeclaration | DeathDeclaration
    changed: list[str]
    answered_at: datetime


class WithdrawalRequest(BaseModel):
    reason: str | None = None
    requested_at: datetime


class IdentityClaim(BaseModel):
    """A person as the declaration names them, to compare with the population registry."""

    field: str
    personal_id: str
    full_name: str
    date_of_birth: date | None = None


class IdentityCheckRequest(BaseModel):
    declaration_id: str
    claims: list[IdentityClaim]


class IdentityProblem(BaseModel):
    field: str
    message: str


class AttachmentCheck(BaseModel):
    declaration_id: str
    sha256: list[str]


class Escalation(BaseModel):
    declaration_id: str
    scope: str
    agency: str | None = None
    case_number: str | None = None
    deadline: datetime
    escalated_at: datetime
    reason: str


class CaseFollowUp(BaseModel):
    declaration_id: str
    case_number: str
    kind: Literal["reminder", "escalation"]
    deadline: datetime


class CaseCancellation(BaseModel):
    declaration_id: str
    case_number: str
    reason: str
