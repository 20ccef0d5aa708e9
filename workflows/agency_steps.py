"""Running one agency step from a workflow: submit on the agency's task queue, retry outages,
and record the decision (or the rejection and its reason) on the declaration."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from activities.agency_errors import (
        AGENCY_REJECTED,
        NON_RETRYABLE_AGENCY_ERRORS,
        RejectionDetails,
    )
    from schemas.agency_requests import AgencyRequest
    from schemas.common import Procedure
    from schemas.results import AgencyDecision, StepResult
    from schemas.status import StepState

from workflows.declaration_progress import DeclarationProgress

RequestT = TypeVar("RequestT", bound=AgencyRequest)

# An agency that is down is retried until it is back; the operator sees the attempts in the UI.
AGENCY_RETRY_POLICY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
    non_retryable_error_types=NON_RETRYABLE_AGENCY_ERRORS,
)


def _rejection(error: ActivityError) -> tuple[str, RejectionDetails | None]:
    cause = error.cause
    if not isinstance(cause, ApplicationError):
        return "The agency could not process the step.", None
    details: RejectionDetails | None = None
    if cause.type == AGENCY_REJECTED and cause.details:
        try:
            details = RejectionDetails.model_validate(cause.details[0])
        except ValidationError:
            details = None
    if cause.type != AGENCY_REJECTED:
        return f"The agency could not accept the request ({cause.message}).", None
    return (details.reason if details else cause.message), details


def _result_from_rejection(
    details: RejectionDetails | None, procedure: Procedure
) -> StepResult | None:
    """A rejection may still carry the agency's reasoning (a benefit found not covered)."""
    if details is None or details.record is None:
        return None
    try:
        decision = AgencyDecision.model_validate(
            {
                "case_number": details.case_number or "",
                "result": {"kind": procedure.value, **details.record},
            }
        )
    except ValidationError:
        return None
    return decision.result


async def run_agency_step(
    progress: DeclarationProgress,
    procedure: Procedure,
    activity: Callable[[Any, RequestT], Awaitable[AgencyDecision]],
    request: RequestT,
    *,
    task_queue: str,
    call_timeout: timedelta,
) -> StepResult | None:
    """Run the step; return the agency's record, or None when the agency rejected it."""
    progress.update_step(procedure, StepState.SUBMITTED)
    await progress.publish()
    try:
        decision: AgencyDecision = await workflow.execute_activity_method(
            activity,
            request,
            task_queue=task_queue,
            start_to_close_timeout=call_timeout,
            retry_policy=AGENCY_RETRY_POLICY,
            summary=f"{progress.view.step(procedure).agency.value}: {procedure.value} "
            f"for {request.declaration_id}",
        )
    except ActivityError as error:
        reason, details = _rejection(error)
        progress.update_step(
            procedure,
            StepState.REJECTED,
            reason=reason,
            result=_result_from_rejection(details, procedure),
            case_number=details.case_number if details else None,
        )
        await progress.publish()
        return None
    progress.update_step(
        procedure, StepState.APPROVED, result=decision.result, case_number=decision.case_number
    )
    await progress.publish()
    return decision.result
