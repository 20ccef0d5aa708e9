"""Reminders before an agency's deadline, and escalations after it or after the group's."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import NexusOperationError

with workflow.unsafe.imports_passed_through():
    from activities.records import RecordActivities
    from agency_contracts.decisions import CaseFollowUp, FollowUpKind
    from agency_contracts.services import FOLLOW_UP_CASE
    from messages import Message
    from schemas.common import Agency, Procedure
    from schemas.decisions import Escalation

from workflows import step_metrics
from workflows.agency_steps import DeclarationT
from workflows.running_declaration import RunningDeclaration


async def follow_up(
    run: RunningDeclaration[DeclarationT],
    agency: Agency,
    case_reference: str,
    kind: FollowUpKind,
    deadline: datetime,
) -> None:
    """Remind or escalate at the agency. It never fails the declaration: an agency that
    cannot take it now is logged, and the step goes on waiting for the decision."""
    try:
        await run.agency(agency.value).execute_operation(
            FOLLOW_UP_CASE,
            CaseFollowUp(
                declaration_id=run.declaration_id,
                case_reference=case_reference,
                kind=kind,
                deadline=deadline,
            ),
            schedule_to_close_timeout=run.call_timeout * 10,
            summary=f"{agency.value}: {kind}",
        )
    except NexusOperationError as error:
        workflow.logger.warning(
            "follow_up_failed",
            extra={"agency": agency.value, "kind": kind, "error": str(error)},
        )


async def escalate(
    run: RunningDeclaration[DeclarationT],
    scope: str,
    deadline: datetime,
    agency: Agency | None,
    case_reference: str | None,
    reason: Message,
) -> None:
    """Mark the step, or the whole declaration, overdue and record the escalation."""
    procedure = Procedure(scope) if agency is not None else None
    run.progress.mark_overdue(procedure)
    step_metrics.deadline_missed("step" if procedure else "declaration")
    case_number = run.progress.view.step(procedure).case_number if procedure else None
    await workflow.execute_local_activity_method(
        RecordActivities.record_escalation,
        Escalation(
            declaration_id=run.declaration_id,
            scope=scope,
            agency=agency.value if agency else None,
            case_number=case_number,
            deadline=deadline,
            escalated_at=workflow.now(),
            reason=reason,
        ),
        start_to_close_timeout=timedelta(seconds=15),
        summary=f"escalate: {scope} overdue",
    )
    await run.progress.publish()
