"""What passes between the orchestrator and an agency besides the requests: the agency's
decision on a case, the population-registry cross-check, and the follow-ups on an open case."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

from messages import Message
from schemas.common import Agency
from schemas.results import StepResult
from schemas.supplements import SupplementNeed

DecisionOutcome = Literal["approved", "rejected", "supplement_requested", "cancelled"]

# The codes of a step refused without the agency's own reason: a request the agency would not
# take, or one it could not process at all; and what the citizen reads of each.
AGENCY_REFUSED_REQUEST = "agency_refused_request"
AGENCY_COULD_NOT_PROCESS = "agency_could_not_process"
REFUSAL_REASONS = {
    AGENCY_REFUSED_REQUEST: Message.of("agency_refused_request"),
    AGENCY_COULD_NOT_PROCESS: Message.of("agency_could_not_process"),
}


class OfficerDecision(BaseModel):
    """An agency's decision on one of its cases, as the adapter relays it to the workflow."""

    decision_id: str
    agency: Agency
    case_number: str
    outcome: DecisionOutcome
    reason: str | None = None
    # The agency's own code for a rejection (snake_case), which the step's status carries.
    reason_code: str | None = None
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


class IdentityClaim(BaseModel):
    """A person as the declaration names them, to compare with the population registry."""

    field: str
    personal_id: str
    full_name: str
    date_of_birth: date | None = None
    # For a parent named on a birth: the child's date of birth. A parent the registry records
    # as dead is still the child's parent when the death fits the birth (schemas.parenthood).
    child_born_on: date | None = None


class IdentityCheckRequest(BaseModel):
    declaration_id: str
    claims: list[IdentityClaim]


class IdentityProblem(BaseModel):
    field: str
    message: Message
    # A problem no correction of the declaration can mend, which refuses it (a father who died
    # too long before the birth); the others go back to the citizen to correct.
    refuses: bool = False


class IdentityCheckResult(BaseModel):
    problems: list[IdentityProblem]


FollowUpKind = Literal["reminder", "escalation"]


class CaseFollowUp(BaseModel):
    """A reminder or an escalation on an open case, which the orchestrator names by the
    submission's idempotency key: the agency's case number may not be known to it yet."""

    declaration_id: str
    case_reference: str
    kind: FollowUpKind
    deadline: datetime


class CaseCancellation(BaseModel):
    declaration_id: str
    case_number: str
    reason: str
