"""One agency step, submitted round after round until its agency decides: a correction the
agency asks for goes to the citizen, and the corrected declaration is submitted again."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agency_contracts.decisions import REFUSAL_REASONS
    from legal_deadlines.procedure_limits import SUPPLEMENT_WAIT_WORKING_DAYS
    from messages import Message, Text
    from schemas.results import BenefitDecision, StepResult
    from schemas.status import StepState
    from schemas.supplements import SupplementNeed

from workflows import step_metrics
from workflows.agency_decision import decide
from workflows.agency_steps import DeclarationT, RequestT, ResultT, StepSpec, Submission
from workflows.citizen import await_supplement
from workflows.dossier_check import check_dossier
from workflows.running_declaration import RunningDeclaration

# A step goes to its agency at most this many times: with the registry's bound, it keeps the
# longest path of a declaration, and so its history, bounded without continuing as new.
MAX_ROUNDS_PER_STEP = 5
# The parts of a declaration that name people the registry knows, or who is paid.
PEOPLE = frozenset({"declarant", "mother", "father", "deceased", "survivor_benefit", "payment"})


def _refusal_reason(agency_text: str, result: StepResult | None) -> Text:
    """A benefit refused on the rules carries its explanation as a language-free message: that
    is the reason, in whichever language the family reads it. Any other refusal is the agency's
    own text, as it wrote it."""
    if isinstance(result, BenefitDecision) and not result.covered:
        return result.explanation
    return agency_text


async def run_step(
    run: RunningDeclaration[DeclarationT], spec: StepSpec[DeclarationT, RequestT, ResultT]
) -> ResultT | None:
    """Run a step to its decision; the agency's record, or None when it ends otherwise."""
    progress, procedure = run.progress, spec.procedure
    round_number, supersedes = 1, None
    while run.withdrawal is None:
        request = spec.build(
            Submission(
                run.declaration_id,
                run.declaration,
                run.late_registration,
                round_number,
                supersedes,
            )
        )
        progress.start_submission(procedure, round_number)
        # Reported with the case's opening, in the same workflow task.
        progress.publish()
        decision = await decide(run, spec, request)
        if decision is None:
            return None  # withdrawn while the agency was deciding
        progress.set_case_number(procedure, decision.case_number)
        # Who decided goes to the audit trail: an officer, or the agency's automatic policy.
        actor = f"{spec.agency.value}:{decision.decided_by}" if decision.decided_by else None
        step_metrics.step_decided(
            spec.agency.value,
            procedure.value,
            decision.outcome,
            progress.view.step(procedure).submitted_at,
        )
        if decision.outcome == "approved":
            progress.update_step(
                procedure,
                StepState.APPROVED,
                result=decision.result,
                reason=Message.of("decided_before_withdrawal") if run.withdrawal else None,
                actor=actor,
            )
            # Reported with whatever the approval lets start, at the end of this task.
            progress.publish()
            record = decision.result
            return record if isinstance(record, spec.result_type) else None
        if decision.outcome in ("rejected", "cancelled"):
            state = StepState.REJECTED if decision.outcome == "rejected" else StepState.CANCELLED
            # The agency's reason stays in the agency's words; its code is what the portal reads.
            if decision.reason is not None:
                progress.update_step(
                    procedure,
                    state,
                    reason=_refusal_reason(decision.reason, decision.result),
                    reason_code=decision.reason_code or decision.outcome,
                    result=decision.result,
                    actor=actor,
                )
            else:
                reason = (
                    REFUSAL_REASONS.get(
                        decision.reason_code or "", Message.of("rejected_by_agency")
                    )
                    if state == StepState.REJECTED
                    else Message.of("withdrawn")
                    if run.withdrawal
                    else Message.of("cancelled_by_agency")
                )
                progress.update_step(
                    procedure,
                    state,
                    reason=reason,
                    reason_code=decision.reason_code,
                    result=decision.result,
                    actor=actor,
                )
            progress.publish()
            return None
        if round_number >= MAX_ROUNDS_PER_STEP:
            progress.update_step(
                procedure,
                StepState.REJECTED,
                reason=Message.of(
                    "too_many_correction_rounds",
                    agency=Message.of(f"agency.{spec.agency.value}"),
                    rounds=MAX_ROUNDS_PER_STEP,
                ),
                actor=actor,
            )
            progress.publish()
            return None
        need = decision.supplement or SupplementNeed(message=decision.reason or "")
        answered = await await_supplement(run, spec.agency.value, need, (procedure,), actor)
        if answered is None:
            return None
        if not answered:
            progress.update_step(
                procedure,
                StepState.REJECTED,
                reason=Message.of(
                    "supplement_not_received",
                    agency=Message.of(f"agency.{spec.agency.value}"),
                    days=SUPPLEMENT_WAIT_WORKING_DAYS,
                ),
            )
            progress.publish()
            return None
        # A corrected person is checked with the registry again before any agency sees them.
        if run.changed_since_registry_check & PEOPLE and not await check_dossier(run):
            return None
        round_number, supersedes = round_number + 1, decision.case_number
    return None
