"""An agency's decision counts only as the agency signed it; one that no trusted key verifies is
held for an operator."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.trust import DecisionCheck, DecisionVerdict, TrustActivities
    from agency_contracts.decisions import OfficerDecision
    from agency_contracts.procedures import PROCEDURE_AGENCY
    from schemas.common import Procedure

from workflows.agency_steps import DeclarationT
from workflows.running_declaration import RunningDeclaration


async def verified(
    run: RunningDeclaration[DeclarationT], procedure: Procedure, decision: OfficerDecision
) -> OfficerDecision | None:
    """The decision as the agency signed it. A cancellation needs no signature: the case is
    closed either way. One that no trusted key verifies is held and checked again until a key
    the trust store gains (after a rotation) verifies it, or the declaration is withdrawn."""
    if decision.outcome == "cancelled":
        return decision
    progress = run.progress
    step = progress.view.step(procedure)
    held = False
    while True:
        verdict: DecisionVerdict = await workflow.execute_local_activity_method(
            TrustActivities.verify_decision,
            DecisionCheck(
                declaration_id=run.declaration_id,
                procedure=procedure.value,
                decision=decision,
            ),
            start_to_close_timeout=timedelta(seconds=15),
            summary=f"verify the {PROCEDURE_AGENCY[procedure].value} decision",
        )
        if verdict.decision is not None:
            if held:
                progress.mark_decision_held(procedure, False)
                progress.record_event("decision_released", step=step)
            return verdict.decision
        if not held:
            held = True
            progress.record_event(
                "decision_held", step=step, reason=f"{verdict.problem}: {verdict.message}"
            )
            progress.mark_decision_held(procedure, True)
            await progress.publish()
        try:
            await workflow.wait_condition(
                lambda: run.withdrawal is not None,
                timeout=run.options.decision_recheck_seconds,
            )
            progress.mark_decision_held(procedure, False)
            return None
        except TimeoutError:
            continue
