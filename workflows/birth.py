"""The birth group: birth registration at the justice office, then, in parallel, permanent
residence at the police and the child's health-insurance card at social security."""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agency_contracts.decisions import IdentityClaim
    from agency_contracts.services import JusticeService, PoliceService, SocialSecurityService
    from schemas.birth import BirthDeclaration
    from schemas.common import Procedure, ProcedureGroup
    from schemas.results import BirthRegistrationResult
    from schemas.status import DeclarationStatusView
    from schemas.workflow_inputs import BirthWorkflowInput

from workflows import birth_requests
from workflows.agency_steps import StepSpec
from workflows.declaration_workflow import DeclarationWorkflow

BIRTH_PROCEDURES = (
    Procedure.BIRTH_REGISTRATION,
    Procedure.RESIDENCE_REGISTRATION,
    Procedure.HEALTH_INSURANCE_CARD,
)


@workflow.defn(name="BirthDeclarationWorkflow")
class BirthDeclarationWorkflow(DeclarationWorkflow):
    group = ProcedureGroup.BIRTH

    @workflow.init
    def __init__(self, input: BirthWorkflowInput) -> None:
        self._setup(
            input.declaration_id,
            input.received_at,
            input.declaration,
            input.options,
            BIRTH_PROCEDURES,
        )

    @workflow.run
    async def run(self, input: BirthWorkflowInput) -> DeclarationStatusView:
        return await self._run()

    @property
    def _birth(self) -> BirthDeclaration:
        assert isinstance(self._declaration, BirthDeclaration)
        return self._declaration

    def _identity_claims(self) -> list[IdentityClaim]:
        d = self._birth
        claims = [
            IdentityClaim(
                field=role,
                personal_id=parent.personal_id,
                full_name=parent.full_name,
                date_of_birth=parent.date_of_birth,
            )
            for role, parent in (("mother", d.mother), ("father", d.father))
            if parent is not None and parent.personal_id is not None
        ]
        if d.declarant.relationship not in ("mother", "father"):
            claims.append(
                IdentityClaim(
                    field="declarant",
                    personal_id=d.declarant.personal_id,
                    full_name=d.declarant.full_name,
                )
            )
        return claims

    async def _run_procedures(self) -> None:
        declaration_id = self._declaration_id
        birth = await self._run_step(
            StepSpec(
                Procedure.BIRTH_REGISTRATION,
                JusticeService.register_birth,
                lambda d, round_number, supersedes: birth_requests.birth_registration(
                    declaration_id, d, round_number, supersedes
                ),
            )
        )
        if not isinstance(birth, BirthRegistrationResult):
            if self._withdrawal is None:
                self._progress.cancel_unsettled_steps(
                    "Not started: it needs the birth record, which was not registered."
                )
            return
        await asyncio.gather(
            self._run_step(
                StepSpec(
                    Procedure.RESIDENCE_REGISTRATION,
                    PoliceService.register_residence,
                    lambda d, round_number, supersedes: birth_requests.residence_registration(
                        declaration_id, d, birth, round_number, supersedes
                    ),
                )
            ),
            self._run_step(
                StepSpec(
                    Procedure.HEALTH_INSURANCE_CARD,
                    SocialSecurityService.issue_health_insurance_card,
                    lambda d, round_number, supersedes: birth_requests.health_insurance_card(
                        declaration_id, d, birth, round_number, supersedes
                    ),
                )
            ),
        )
