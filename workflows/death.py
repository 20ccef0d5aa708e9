"""The death group: death registration at the justice office, then, in parallel, removal of the
permanent residence at the police and the chosen benefits at social security."""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agency_contracts.decisions import IdentityClaim
    from agency_contracts.services import JusticeService, PoliceService, SocialSecurityService
    from schemas.common import Procedure, ProcedureGroup
    from schemas.death import DeathDeclaration
    from schemas.results import DeathRegistrationResult
    from schemas.status import DeclarationStatusView
    from schemas.workflow_inputs import DeathWorkflowInput

from workflows import death_requests
from workflows.agency_steps import StepSpec
from workflows.declaration_workflow import DeclarationWorkflow


def death_procedures(declaration: DeathDeclaration) -> tuple[Procedure, ...]:
    """Death registration and residence removal always; the benefits the family chose."""
    chosen = set(declaration.procedures)
    benefits = (Procedure.FUNERAL_ALLOWANCE, Procedure.SURVIVOR_BENEFIT)
    return (
        Procedure.DEATH_REGISTRATION,
        Procedure.RESIDENCE_REMOVAL,
        *(p for p in benefits if p.value in chosen),
    )


@workflow.defn(name="DeathDeclarationWorkflow")
class DeathDeclarationWorkflow(DeclarationWorkflow):
    group = ProcedureGroup.DEATH

    @workflow.init
    def __init__(self, input: DeathWorkflowInput) -> None:
        self._late_registration = input.late_registration
        self._setup(
            input.declaration_id,
            input.received_at,
            input.declaration,
            input.options,
            death_procedures(input.declaration),
            input.late_registration,
        )

    @workflow.run
    async def run(self, input: DeathWorkflowInput) -> DeclarationStatusView:
        return await self._run()

    @property
    def _death(self) -> DeathDeclaration:
        assert isinstance(self._declaration, DeathDeclaration)
        return self._declaration

    def _identity_claims(self) -> list[IdentityClaim]:
        d = self._death
        return [
            IdentityClaim(
                field="deceased",
                personal_id=d.deceased.personal_id,
                full_name=d.deceased.full_name,
                date_of_birth=d.deceased.date_of_birth,
            ),
            IdentityClaim(
                field="declarant",
                personal_id=d.declarant.personal_id,
                full_name=d.declarant.full_name,
            ),
        ]

    async def _run_procedures(self) -> None:
        declaration_id, late = self._declaration_id, self._late_registration
        death = await self._run_step(
            StepSpec(
                Procedure.DEATH_REGISTRATION,
                JusticeService.register_death,
                lambda d, round_number, supersedes: death_requests.death_registration(
                    declaration_id, d, late, round_number, supersedes
                ),
            )
        )
        if not isinstance(death, DeathRegistrationResult):
            if self._withdrawal is None:
                self._progress.cancel_unsettled_steps(
                    "Not started: it needs the death record, which was not registered."
                )
            return
        chosen = death_procedures(self._death)
        steps = [
            StepSpec(
                Procedure.RESIDENCE_REMOVAL,
                PoliceService.remove_residence,
                lambda d, round_number, supersedes: death_requests.residence_removal(
                    declaration_id, d, death, round_number, supersedes
                ),
            )
        ]
        if Procedure.FUNERAL_ALLOWANCE in chosen:
            steps.append(
                StepSpec(
                    Procedure.FUNERAL_ALLOWANCE,
                    SocialSecurityService.settle_funeral_allowance,
                    lambda d, round_number, supersedes: death_requests.funeral_allowance(
                        declaration_id, d, death, round_number, supersedes
                    ),
                )
            )
        if Procedure.SURVIVOR_BENEFIT in chosen:
            steps.append(
                StepSpec(
                    Procedure.SURVIVOR_BENEFIT,
                    SocialSecurityService.settle_survivor_benefit,
                    lambda d, round_number, supersedes: death_requests.survivor_benefit(
                        declaration_id, d, death, round_number, supersedes
                    ),
                )
            )
        await asyncio.gather(*(self._run_step(spec) for spec in steps))
