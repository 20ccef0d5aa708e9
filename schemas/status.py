"""The status of a declaration, in the shape of the portal contract."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from messages import Text
from schemas.common import Agency, Procedure, ProcedureGroup
from schemas.results import StepResult
from schemas.supplements import SupplementRequest


class DeclarationState(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    COMPLETED = "completed"
    PARTIALLY_COMPLETED = "partially_completed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    # Its workflow failed or was terminated: nothing more happens until an operator acts.
    FAILED = "failed"


TERMINAL_STATES = frozenset(
    {
        DeclarationState.COMPLETED,
        DeclarationState.PARTIALLY_COMPLETED,
        DeclarationState.REJECTED,
        DeclarationState.WITHDRAWN,
        DeclarationState.FAILED,
    }
)


class StepState(StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    CANCELLED = "cancelled"


class DeliveryState(StrEnum):
    PENDING = "pending"
    READY_FOR_PICKUP = "ready_for_pickup"
    POSTED = "posted"
    DELIVERED = "delivered"
    SENT = "sent"


class StepView(BaseModel):
    agency: Agency
    procedure: Procedure
    status: StepState = StepState.PENDING
    deadline: datetime | None = None
    # The product's words (a `Message`), or the agency's own text when it decided.
    reason: Text | None = None
    # Stable and language-free: what the portal acts on (an agency's rejection code, or the
    # product's message code).
    reason_code: str | None = None
    result: StepResult | None = None
    case_number: str | None = None
    supplement_request: SupplementRequest | None = None
    submitted_at: datetime | None = None
    overdue: bool = False
    round: int = 0


class DeliveryView(BaseModel):
    method: str
    status: DeliveryState = DeliveryState.PENDING
    tracking_number: str | None = None
    pickup_agency: Agency | None = None


class DeclarationStatusView(BaseModel):
    declaration_id: str
    procedure: ProcedureGroup
    status: DeclarationState
    received_at: datetime
    deadline: datetime | None = None
    steps: list[StepView]
    delivery: DeliveryView
    workflow_id: str | None = None
    late_registration: bool = False
    overdue: bool = False
    supplement_request: SupplementRequest | None = None
    summary: Text | None = None
    # Why the declaration closed as it did, when a step's or the dossier's reason decided it.
    status_reason_code: str | None = None
    updated_at: datetime | None = Field(default=None)

    def step(self, procedure: Procedure) -> StepView:
        return next(s for s in self.steps if s.procedure == procedure)
