"""The birth group: birth registration at the justice office, then, in parallel, permanent
residence at the police and the child's health-insurance card at social security."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.justice import JusticeActivities
    from activities.police import PoliceActivities
    from activities.social_security import SocialSecurityActivities
    from schemas.common import Procedure, ProcedureGroup
    from schemas.results import BirthRegistrationResult
    from schemas.status import DeclarationState, DeclarationStatusView
    from schemas.workflow_inputs import BirthWorkflowInput

from workflows import birth_requests
from workflows.agency_steps import run_agency_step
from workflows.declaration_progress import DeclarationProgress, initial_view
from workflows.delivery import deliver_results

BIRTH_PROCEDURES = (
    Procedure.BIRTH_REGISTRATION,
    Procedure.RESIDENCE_REGISTRATION,
    Procedure.HEALTH_INSURANCE_CARD,
)


@workflow.defn(name="BirthDeclarationWorkflow")
class BirthDeclarationWorkflow:
    @workflow.init
    def __init__(self, input: BirthWorkflowInput) -> None:
        self._progress = DeclarationProgress(
            initial_view(
                input.declaration_id,
                ProcedureGroup.BIRTH,
                input.received_at,
                BIRTH_PROCEDURES,
                input.declaration.delivery,
                workflow.info().workflow_id,
            )
        )

    @workflow.query(name="status")
    def status(self) -> DeclarationStatusView:
        return self._progress.view

    @workflow.run
    async def run(self, input: BirthWorkflowInput) -> DeclarationStatusView:
        progress, declaration = self._progress, input.declaration
        queues = input.options.task_queues
        call_timeout = timedelta(seconds=input.options.agency_call_timeout_seconds)
        workflow.logger.info("declaration_started")
        progress.set_status(DeclarationState.IN_PROGRESS, "The agencies are processing it.")

        birth = await run_agency_step(
            progress,
            Procedure.BIRTH_REGISTRATION,
            JusticeActivities.register_birth,
            birth_requests.birth_registration(input.declaration_id, declaration),
            task_queue=queues.justice,
            call_timeout=call_timeout,
        )
        if isinstance(birth, BirthRegistrationResult):
            await asyncio.gather(
                run_agency_step(
                    progress,
                    Procedure.RESIDENCE_REGISTRATION,
                    PoliceActivities.register_residence,
                    birth_requests.residence_registration(input.declaration_id, declaration, birth),
                    task_queue=queues.police,
                    call_timeout=call_timeout,
                ),
                run_agency_step(
                    progress,
                    Procedure.HEALTH_INSURANCE_CARD,
                    SocialSecurityActivities.issue_health_insurance_card,
                    birth_requests.health_insurance_card(input.declaration_id, declaration, birth),
                    task_queue=queues.social_security,
                    call_timeout=call_timeout,
                ),
            )
        else:
            progress.cancel_unsettled_steps(
                "Not started: it needs the birth record, which was not registered."
            )

        await deliver_results(progress, declaration.delivery, queues.postal, call_timeout)
        progress.settle()
        await progress.publish()
        workflow.logger.info("declaration_closed", extra={"status": progress.view.status.value})
        return progress.view
