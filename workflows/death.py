"""The death declaration's workflow; its steps are in `death_steps.DEATH_STEPS`."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.common import Procedure
    from schemas.death import DeathDeclaration
    from schemas.status import DeclarationStatusView
    from schemas.workflow_inputs import DeathWorkflowInput

from workflows.death_steps import DEATH_STEPS
from workflows.declaration_workflow import DeclarationWorkflow


def death_procedures(declaration: DeathDeclaration) -> tuple[Procedure, ...]:
    """Death registration and residence removal always; the benefits the family chose."""
    return DEATH_STEPS.procedures(declaration)


@workflow.defn(name="DeathDeclarationWorkflow")
class DeathDeclarationWorkflow(DeclarationWorkflow[DeathDeclaration]):
    @workflow.init
    def __init__(self, input: DeathWorkflowInput) -> None:
        self._setup(DEATH_STEPS, input, input.declaration, input.late_registration)

    @workflow.run
    async def run(self, input: DeathWorkflowInput) -> DeclarationStatusView:
        return await self._run()
