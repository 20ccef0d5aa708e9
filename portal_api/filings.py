"""How each procedure group's declarations are filed: the rules a submission is checked against,
the declaration its workflow carries, the procedures it asks for, and the workflow that runs them.

`Intake.submit` takes any group's filing. The type parameters tie together a group's submission,
declaration, workflow input, workflow and result, so that a birth submission can only become a
`BirthDeclaration`, and only a birth workflow is started with it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from temporalio.types import MethodAsyncSingleParam

from legal_deadlines.verification import birth_needs_verification
from schemas.birth import BirthDeclaration, BirthDeclarationFields, BirthDeclarationSubmission
from schemas.common import (
    AttachmentBase,
    AttachmentRef,
    AttachmentUpload,
    Delivery,
    Procedure,
    ProcedureGroup,
)
from schemas.death import DeathDeclaration, DeathDeclarationFields, DeathDeclarationSubmission
from schemas.rules.birth import check_birth_declaration
from schemas.rules.dates import is_late_death_declaration
from schemas.rules.death import account_holder_violation, check_death_declaration
from schemas.rules.findings import RuleContext, RuleViolation
from schemas.rules.one_event import birth_event, death_event
from schemas.status import DeclarationStatusView
from schemas.workflow_inputs import (
    AttestedStart,
    BirthWorkflowInput,
    DeathWorkflowInput,
    OrchestrationOptions,
)
from workflows.birth import BIRTH_PROCEDURES, BirthDeclarationWorkflow
from workflows.death import DeathDeclarationWorkflow, death_procedures


class Declarant(Protocol):
    @property
    def personal_id(self) -> str: ...


class Submission(Protocol):
    """What the portal posts, in any group: the declarant's own ID decides whose it is."""

    @property
    def declarant(self) -> Declarant: ...

    @property
    def attachments(self) -> list[AttachmentUpload]: ...

    def model_dump_json(self) -> str: ...


class Declaration(Protocol):
    """What a group's workflow carries, attachments by reference."""

    @property
    def delivery(self) -> Delivery: ...

    @property
    def attachments(self) -> list[AttachmentRef]: ...


SubmissionT = TypeVar("SubmissionT", bound=Submission)
DeclarationT = TypeVar("DeclarationT", bound=Declaration)
WorkflowInputT = TypeVar("WorkflowInputT", bound=AttestedStart)
WorkflowT = TypeVar("WorkflowT")
ResultT = TypeVar("ResultT")


class Filing(ABC, Generic[SubmissionT, DeclarationT, WorkflowInputT, WorkflowT, ResultT]):
    """One procedure group's way from a submission to a running workflow."""

    group: ClassVar[ProcedureGroup]

    @abstractmethod
    def violations(self, submission: SubmissionT, context: RuleContext) -> list[RuleViolation]:
        """Every rule the submission breaks, attachments included; none when it may be filed."""

    @abstractmethod
    def declaration(
        self, submission: SubmissionT, attachments: list[AttachmentRef]
    ) -> DeclarationT:
        """The submission as its workflow carries it, its uploads replaced by `attachments`."""

    @abstractmethod
    def corrected(self, merged: dict[str, Any], attachments: list[AttachmentRef]) -> DeclarationT:
        """The declaration as a supplement leaves it: its fields as `merged` (pydantic's
        `ValidationError` when they are not the group's), with `attachments`."""

    @abstractmethod
    def correction_violations(
        self,
        declaration: DeclarationT,
        attachments: Sequence[AttachmentBase],
        context: RuleContext,
        changed: Collection[str],
    ) -> list[RuleViolation]:
        """Every rule the corrected declaration breaks, with the attachments it now rests on;
        `changed` names the parts the supplement changed."""

    @abstractmethod
    def procedures(self, declaration: DeclarationT) -> Sequence[Procedure]:
        """The procedures the declaration asks for, in the order they run."""

    @abstractmethod
    def commune_code(self, declaration: DeclarationT) -> str:
        """The commune the declaration is filed in (and so its province)."""

    def late_registration(self, declaration: DeclarationT, received_on: date) -> bool:
        """Whether it comes after the legal time to declare; only a death can be late here."""
        return False

    def needs_verification(self, declaration: DeclarationT) -> bool:
        """Whether the group's longer time limit applies from intake."""
        return False

    @abstractmethod
    def event(self, declaration: DeclarationT) -> str | None:
        """What identifies the birth or death declared (schemas.rules.one_event), in clear."""

    @abstractmethod
    def workflow_input(
        self,
        declaration_id: str,
        received_at: datetime,
        declaration: DeclarationT,
        late_registration: bool,
        options: OrchestrationOptions,
    ) -> WorkflowInputT: ...

    @property
    @abstractmethod
    def run(self) -> MethodAsyncSingleParam[WorkflowT, WorkflowInputT, ResultT]:
        """The group's workflow, as Temporal starts it: its run method."""


class BirthFiling(
    Filing[
        BirthDeclarationSubmission,
        BirthDeclaration,
        BirthWorkflowInput,
        BirthDeclarationWorkflow,
        DeclarationStatusView,
    ]
):
    group = ProcedureGroup.BIRTH

    def violations(
        self, submission: BirthDeclarationSubmission, context: RuleContext
    ) -> list[RuleViolation]:
        return check_birth_declaration(submission, submission.attachments, context)

    def declaration(
        self, submission: BirthDeclarationSubmission, attachments: list[AttachmentRef]
    ) -> BirthDeclaration:
        return BirthDeclaration(
            **submission.model_dump(exclude={"attachments"}), attachments=attachments
        )

    def corrected(
        self, merged: dict[str, Any], attachments: list[AttachmentRef]
    ) -> BirthDeclaration:
        fields = BirthDeclarationFields.model_validate(merged)
        return BirthDeclaration(**fields.model_dump(), attachments=attachments)

    def correction_violations(
        self,
        declaration: BirthDeclaration,
        attachments: Sequence[AttachmentBase],
        context: RuleContext,
        changed: Collection[str],
    ) -> list[RuleViolation]:
        return check_birth_declaration(declaration, attachments, context)

    def procedures(self, declaration: BirthDeclaration) -> Sequence[Procedure]:
        return BIRTH_PROCEDURES

    def commune_code(self, declaration: BirthDeclaration) -> str:
        return declaration.residence.commune_code

    def needs_verification(self, declaration: BirthDeclaration) -> bool:
        return birth_needs_verification(declaration)

    def event(self, declaration: BirthDeclaration) -> str | None:
        return birth_event(declaration, declaration.attachments)

    def workflow_input(
        self,
        declaration_id: str,
        received_at: datetime,
        declaration: BirthDeclaration,
        late_registration: bool,
        options: OrchestrationOptions,
    ) -> BirthWorkflowInput:
        return BirthWorkflowInput(
            declaration_id=declaration_id,
            received_at=received_at,
            declaration=declaration,
            options=options,
        )

    @property
    def run(
        self,
    ) -> MethodAsyncSingleParam[
        BirthDeclarationWorkflow, BirthWorkflowInput, DeclarationStatusView
    ]:
        return BirthDeclarationWorkflow.run


class DeathFiling(
    Filing[
        DeathDeclarationSubmission,
        DeathDeclaration,
        DeathWorkflowInput,
        DeathDeclarationWorkflow,
        DeclarationStatusView,
    ]
):
    group = ProcedureGroup.DEATH

    def violations(
        self, submission: DeathDeclarationSubmission, context: RuleContext
    ) -> list[RuleViolation]:
        return check_death_declaration(submission, submission.attachments, context)

    def declaration(
        self, submission: DeathDeclarationSubmission, attachments: list[AttachmentRef]
    ) -> DeathDeclaration:
        return DeathDeclaration(
            **submission.model_dump(exclude={"attachments"}), attachments=attachments
        )

    def corrected(
        self, merged: dict[str, Any], attachments: list[AttachmentRef]
    ) -> DeathDeclaration:
        fields = DeathDeclarationFields.model_validate(merged)
        return DeathDeclaration(**fields.model_dump(), attachments=attachments)

    def correction_violations(
        self,
        declaration: DeathDeclaration,
        attachments: Sequence[AttachmentBase],
        context: RuleContext,
        changed: Collection[str],
    ) -> list[RuleViolation]:
        violations = check_death_declaration(declaration, attachments, context)
        # Who is paid may change only to someone the registry confirms on this declaration.
        holder = account_holder_violation(declaration) if "payment" in changed else None
        return violations + ([holder] if holder else [])

    def procedures(self, declaration: DeathDeclaration) -> Sequence[Procedure]:
        return death_procedures(declaration)

    def commune_code(self, declaration: DeathDeclaration) -> str:
        return declaration.deceased.place_of_death.commune_code

    def late_registration(self, declaration: DeathDeclaration, received_on: date) -> bool:
        return is_late_death_declaration(declaration.deceased.date_of_death, received_on)

    def event(self, declaration: DeathDeclaration) -> str | None:
        return death_event(declaration)

    def workflow_input(
        self,
        declaration_id: str,
        received_at: datetime,
        declaration: DeathDeclaration,
        late_registration: bool,
        options: OrchestrationOptions,
    ) -> DeathWorkflowInput:
        return DeathWorkflowInput(
            declaration_id=declaration_id,
            received_at=received_at,
            declaration=declaration,
            late_registration=late_registration,
            options=options,
        )

    @property
    def run(
        self,
    ) -> MethodAsyncSingleParam[
        DeathDeclarationWorkflow, DeathWorkflowInput, DeclarationStatusView
    ]:
        return DeathDeclarationWorkflow.run


BIRTH_FILING = BirthFiling()
DEATH_FILING = DeathFiling()

AnyFiling = Filing[Any, Any, Any, Any, Any]

# Every group's filing, by its group: a declaration already filed finds its own here.
FILINGS: Mapping[ProcedureGroup, AnyFiling] = MappingProxyType(
    {filing.group: filing for filing in (BIRTH_FILING, DEATH_FILING)}
)
