"""The birth declaration's workflow; its steps are in `birth_steps.BIRTH_STEPS`."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from legal_deadlines.verification import birth_needs_verification
    from schemas.birth import BirthDeclaration
    from schemas.status import DeclarationStatusView
    from schemas.workflow_inputs import BirthWorkflowInput

from workflows.birth_steps import BIRTH_STEPS
from workflows.declaration_workflow import DeclarationWorkflow

# Every birth declaration asks for every procedure of its group.
BIRTH_PROCEDURES = BIRTH_STEPS.all_procedures()


@workflow.defn(name="BirthDeclarationWorkflow")
class BirthDeclarationWorkflow(DeclarationWorkflow[BirthDeclaration]):
    @workflow.init
    def __init__(self, input: BirthWorkflowInput) -> None:
        self._setup(
            BIRTH_STEPS,
            input,
            input.declaration,
            verification=birth_needs_verification(input.declaration),
        )

    @workflow.run
    async def run(self, input: BirthWorkflowInput) -> DeclarationStatusView:
        return await self._run()
