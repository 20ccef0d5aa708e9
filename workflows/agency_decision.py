"""Waiting for an agency's decision on one submission: reminding the agency before the step's
deadline, escalating after it, and cancelling the case on a withdrawal."""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import NexusOperationError

with workflow.unsafe.imports_passed_through():
    from agency_contracts.decisions import FollowUpKind, OfficerDecision
    from legal_deadlines.procedure_limits import STEP_WORKING_DAYS, step_counting_from
    from messages import Message

from workflows.agency_steps import DeclarationT, RequestT, ResultT, StepSpec
from workflows.follow_ups import escalate, follow_up
from workflows.held_decisions import verified
from workflows.running_declaration import RunningDeclaration


async def decide(
    run: RunningDeclaration[DeclarationT],
    spec: StepSpec[DeclarationT, RequestT, ResultT],
    request: RequestT,
) -> OfficerDecision | None:
    """Open the case at the agency through its Nexus operation and wait for its decision. A
    withdrawal cancels the operation, which cancels the case at the agency. The decision counts
    only once the trust store verifies it; None when the step ends without one."""
    procedure, progress = spec.procedure, run.progress
    handle = await run.agency(spec.agency).start_operation(
        spec.operation,
        request,
        summary=f"{spec.agency.value}: {procedure.value} for {run.declaration_id}",
    )
    now = workflow.now()
    group_deadline = progress.view.deadline
    assert group_deadline is not None, "set when the declaration was received"
    # A same-day registration counts from the dossier's receipt, however late it reaches the
    # office; the other steps from now, when their agency has the case.
    deadline = run.clock.step_deadline(
        step_counting_from(procedure, run.dossier_received_at, now),
        STEP_WORKING_DAYS[procedure],
        group_deadline,
    )
    progress.mark_received_by_agency(procedure, now, deadline)
    outcome = asyncio.ensure_future(_result_of(handle))
    reminder_at = run.clock.reminder_time(now, deadline)
    # A step that reaches its agency after the group's deadline has no time left to be reminded
    # of: it is escalated at once.
    pending: list[FollowUpKind] = (
        ["escalation"] if reminder_at is None else ["reminder", "escalation"]
    )
    keys = {kind: f"{procedure.value}:{kind}" for kind in pending}
    for kind in pending:
        run.deadlines.set(
            keys[kind], reminder_at if kind == "reminder" and reminder_at else deadline
        )
    try:
        while not outcome.done():
            await workflow.wait_condition(
                lambda: (
                    outcome.done()
                    or run.withdrawal is not None
                    or any(run.deadlines.passed(keys[k]) for k in pending)
                )
            )
            if outcome.done():
                break
            if run.withdrawal is not None:
                handle.cancel()
                decision = await outcome
                return await verified(run, procedure, decision) if decision else None
            due = next(k for k in pending if run.deadlines.passed(keys[k]))
            pending.remove(due)
            run.deadlines.forget(keys[due])
            await _follow_up(run, spec, request.idempotency_key, due, deadline)
    finally:
        for kind in pending:
            run.deadlines.forget(keys[kind])
    decision = outcome.result()
    return await verified(run, procedure, decision) if decision else None


async def _follow_up(
    run: RunningDeclaration[DeclarationT],
    spec: StepSpec[DeclarationT, RequestT, ResultT],
    case_reference: str,
    due: FollowUpKind,
    deadline: datetime,
) -> None:
    procedure, progress = spec.procedure, run.progress
    # Sent beside the step, not awaited: an agency slow to take a reminder must not hold back
    # the escalation, nor the decision.
    run.follow_ups.append(
        asyncio.create_task(follow_up(run, spec.agency, case_reference, due, deadline))
    )
    if due == "reminder":
        progress.record_event("reminder_sent", step=progress.view.step(procedure))
        await progress.publish()
        return
    await escalate(
        run,
        procedure.value,
        deadline,
        spec.agency,
        case_reference,
        Message.of(
            "escalation.step_overdue",
            agency=Message.of(f"agency.{spec.agency.value}"),
            procedure=spec.agency_procedure.name,
        ),
    )


async def _result_of(
    handle: workflow.NexusOperationHandle[OfficerDecision],
) -> OfficerDecision | None:
    try:
        return await handle
    except NexusOperationError as error:
        # Cancelled on withdrawal before the agency had decided anything.
        workflow.logger.info("agency_case_ended_without_decision", extra={"error": str(error)})
        return None
