"""How a case's submission reaches its agency: retried while the agency is down, and a refused
submission read as the agency's decision."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from adapters.case_worker.agency_errors import (
        AGENCY_REJECTED,
        NON_RETRYABLE_AGENCY_ERRORS,
        RejectionDetails,
    )
    from agency_contracts.decisions import (
        AGENCY_COULD_NOT_PROCESS,
        AGENCY_REFUSED_REQUEST,
        OfficerDecision,
    )
    from agency_contracts.procedures import PROCEDURE_AGENCY
    from schemas.common import Procedure
    from schemas.results import step_result

# An agency that is down, refuses our credential or answers an unknown path is retried until it
# is back; the operator sees the attempts in the UI and the outage in the metrics.
AGENCY_RETRY_POLICY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
    non_retryable_error_types=NON_RETRYABLE_AGENCY_ERRORS,
)


def decision_from_refusal(
    error: ActivityError | ApplicationError, procedure: str, decided_at: datetime
) -> OfficerDecision:
    """A submission the agency rejected outright, or could not accept at all, read as a
    rejection of the step. A local activity's failure arrives as the activity's own error, a
    remote one's as its cause."""
    agency = PROCEDURE_AGENCY[Procedure(procedure)]
    cause = error.cause if isinstance(error, ActivityError) else error
    details: RejectionDetails | None = None
    if isinstance(cause, ApplicationError) and cause.type == AGENCY_REJECTED and cause.details:
        try:
            details = RejectionDetails.model_validate(cause.details[0])
        except ValidationError:
            details = None
    # The agency's own reason and code when it decided; the product's words otherwise.
    reason: str | None = None
    reason_code: str | None = None
    if details is not None:
        reason, reason_code = details.reason, details.code
    elif isinstance(cause, ApplicationError):
        reason_code = AGENCY_REFUSED_REQUEST
    else:
        reason_code = AGENCY_COULD_NOT_PROCESS
    case_number = details.case_number if details and details.case_number else ""
    return OfficerDecision(
        decision_id=f"{agency.value}:{case_number}:refused",
        agency=agency,
        case_number=case_number,
        outcome="rejected",
        reason=reason,
        reason_code=reason_code,
        result=step_result(procedure, details.record if details else None),
        decided_at=decided_at,
        signed=details.signed if details else None,
        signature=details.signature if details else None,
    )
