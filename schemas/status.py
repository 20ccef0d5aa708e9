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
    """Where the results are on their way to the family."""

    # Not handed over yet (the declaration is open, or nothing came of it to hand over).
    PENDING = "pending"
    # At the agency the family chose, to be collected.
    READY_FOR_PICKUP = "ready_for_pickup"
    # Electronic delivery: the results are in the citizen's account on the portal, where they
    # read them (nothing is sent anywhere).
    AVAILABLE = "available"
    # With the post, which has given a tracking number.
    POSTED = "posted"
    # The post reported them delivered to the recipient (`delivered_at`).
    DELIVERED = "delivered"


class StepView(BaseModel):
    agency: Agency = Field(description="The agency the step runs at.", examples=["justice"])
    procedure: Procedure = Field(examples=["birth_registration"])
    status: StepState = Field(default=StepState.PENDING, examples=["approved"])
    deadline: datetime | None = Field(
        default=None,
        description="The step's legal time limit, counted in working days.",
        examples=["2026-11-25T17:00:00+07:00"],
    )
    # The product's words (a `Message`), or the agency's own text when it decided.
    reason: Text | None = Field(
        default=None,
        description="Why the step was refused, cancelled or sent back, in the caller's language "
        "(an agency's own words as it wrote them).",
    )
    # Stable and language-free: what the portal acts on (an agency's rejection code, or the
    # product's message code).
    reason_code: str | None = Field(
        default=None,
        description="The reason as a stable, language-free code.",
        examples=["already_registered"],
    )
    result: StepResult | None = Field(
        default=None, description="The agency's record, once it approved the step."
    )
    case_number: str | None = Field(default=None, description="The agency's number for its case.")
    supplement_request: SupplementRequest | None = None
    submitted_at: datetime | None = None
    overdue: bool = False
    round: int = 0


class DeliveryView(BaseModel):
    method: str
    status: DeliveryState = DeliveryState.PENDING
    tracking_number: str | None = None
    pickup_agency: Agency | None = None
    # When the post delivered the results, by the post's own report.
    delivered_at: datetime | None = None
    # What the family reads of it, in their language.
    notice: Text | None = None


class DeclarationStatusView(BaseModel):
    declaration_id: str = Field(examples=["LT-20261120-3F9A1C7B2E"])
    procedure: ProcedureGroup = Field(description="The procedure group.", examples=["birth"])
    status: DeclarationState = Field(
        description="Where the declaration stands as a whole.", examples=["in_progress"]
    )
    received_at: datetime = Field(examples=["2026-11-20T09:30:00+07:00"])
    deadline: datetime | None = Field(
        default=None,
        description="The group's legal time limit, counted in working days.",
        examples=["2026-12-04T17:00:00+07:00"],
    )
    steps: list[StepView] = Field(description="One per procedure, in the order they were chosen.")
    delivery: DeliveryView = Field(description="How the results reach the family.")
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

    @property
    def agencies(self) -> frozenset[Agency]:
        return frozenset(s.agency for s in self.steps)

    def part_of(self, agency: Agency) -> DeclarationStatusView:
        """What one agency's operators may read: the declaration's identity and state, and its
        own steps; nothing of the other agencies' steps, the family's supplements to others, or
        how the results reach the family."""
        return DeclarationStatusView(
            declaration_id=self.declaration_id,
            procedure=self.procedure,
            status=self.status,
            received_at=self.received_at,
            deadline=self.deadline,
            steps=[s.model_copy(deep=True) for s in self.steps if s.agency == agency],
            delivery=DeliveryView(method=self.delivery.method, status=self.delivery.status),
            workflow_id=self.workflow_id,
            late_registration=self.late_registration,
            overdue=any(s.overdue for s in self.steps if s.agency == agency),
            updated_at=self.updated_at,
        )
