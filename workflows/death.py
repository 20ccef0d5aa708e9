"""The death group: death registration at the justice office, then, in parallel, removal of the
permanent residence at the police and the chosen benefits at social security."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.justice import JusticeActivities
    from activities.police import PoliceActivities
    from activities.social_security import SocialSecurityActivities
    from schemas.common import Procedure, ProcedureGroup
    from schemas.death import DeathDeclaration
    from schemas.results import DeathRegistrationResult, StepResult
    from schemas.status import DeclarationState, DeclarationStatusView
    from schemas.workflow_inputs import DeathWorkflowInput

from workflows import death_requests
from workflows.agency_steps import run_agency_step
from workflows.declaration_progress import DeclarationProgress, initial_view
from workflows.delivery import deliver_results


def death_procedures(declaration: DeathDeclaration) -> tuple[Procedure, ...]:
    """Death registration and residence removal always; the benefits the family chose."""
    chosen = set(declaration.procedures)
    return (
        Procedure.DEATH_REGISTRATION,
        Procedure.RESIDENCE_REMOVAL,
        *(
            p
            for p in (Procedure.FUNERAL_ALLOWANCE, Procedure.SURVIVOR_BENEFIT)
            if p.value in chosen
        ),
    )


@workflow.defn(name="DeathDeclarationWorkflow")
class DeathDeclarationWorkflow:
    @workflow.init
    def __init__(self, input: DeathWorkflowInput) -> None:
        self._progress = DeclarationProgress(
            initial_view(
                input.declaration_id,
                ProcedureGroup.DEATH,
                input.received_at,
                death_procedures(input.declaration),
                input.declaration.delivery,
                workflow.info().workflow_id,
                late_registration=input.late_registration,
            )
        )

    @workflow.query(name="status")
    def status(self) -> DeclarationStatusView:
        return self._progress.view

    @workflow.run
    async def run(self, input: DeathWorkflowInput) -> DeclarationStatusView:
        progress, declaration = self._progress, input.declaration
        declaration_id, queues = input.declaration_id, input.options.task_queues
        call_timeout = timedelta(seconds=input.options.agency_call_timeout_seconds)
        workflow.logger.info("declaration_started")
        progress.set_status(DeclarationState.IN_PROGRESS, "The agencies are processing it.")

        death = await run_agency_step(
            progress,
            Procedure.DEATH_REGISTRATION,
            JusticeActivities.register_death,
            death_requests.death_registration(declaration_id, declaration, input.late_registration),
            task_queue=queues.justice,
            call_timeout=call_timeout,
        )
        if isinstance(death, DeathRegistrationResult):
            chosen = death_procedures(declaration)
            steps: list[Awaitable[StepResult | None]] = [
                run_agency_step(
                    progress,
                    Procedure.RESIDENCE_REMOVAL,
                    PoliceActivities.remove_residence,
                    death_requests.residence_removal(declaration_id, declaration, death),
                    task_queue=queues.police,
                    call_timeout=call_timeout,
                )
            ]
            if Procedure.FUNERAL_ALLOWANCE in chosen:
                steps.append(
                    run_agency_step(
                        progress,
                        Procedure.FUNERAL_ALLOWANCE,
                        SocialSecurityActivities.settle_funeral_allowance,
                        death_requests.funeral_allowance(declaration_id, declaration, death),
                        task_queue=queues.social_security,
                        call_timeout=call_timeout,
                    )
                )
            if Procedure.SURVIVOR_BENEFIT in chosen:
                steps.append(
                    run_agency_step(
                        progress,
                        Procedure.SURVIVOR_BENEFIT,
                        SocialSecurityActivities.settle_survivor_benefit,
                        death_requests.survivor_benefit(declaration_id, declaration, death),
                        task_queue=queues.social_security,
                        call_timeout=call_timeout,
                    )
                )
            await asyncio.gather(*steps)
        else:
            progress.cancel_unsettled_steps(
                "Not started: it needs the death record, which was not registered."
            )

        await deliver_results(progress, declaration.delivery, queues.postal, call_timeout)
        progress.settle()
        await progress.publish()
        workflow.logger.info("declaration_closed", extra={"status": progress.view.status.value})
        return progress.view
