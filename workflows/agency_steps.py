"""What an agency step is: the procedure's row in the procedure table (its agency, the Nexus
operation that decides it, the record the agency keeps when it approves), and the request built
from the declaration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypedDict, TypeVar

import nexusrpc
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from agency_contracts.decisions import OfficerDecision
    from agency_contracts.procedures import AgencyProcedure
    from agency_contracts.requests import AgencyRequest
    from messages import Message
    from schemas.birth import BirthDeclaration
    from schemas.common import Agency, Procedure
    from schemas.death import DeathDeclaration

from workflows.idempotency import idempotency_key

Declaration = BirthDeclaration | DeathDeclaration
DeclarationT = TypeVar("DeclarationT", bound=Declaration)
RequestT = TypeVar("RequestT", bound=AgencyRequest)
ResultT = TypeVar("ResultT", bound=BaseModel)


class CaseOpening(TypedDict):
    declaration_id: str
    idempotency_key: str
    supersedes_case_number: str | None


@dataclass(frozen=True)
class Submission(Generic[DeclarationT]):
    """What one submission of a step is built from."""

    declaration_id: str
    # The declaration as it stands, with the supplements the citizen gave so far.
    declaration: DeclarationT
    late_registration: bool
    # 1, then 2 after a supplement, ...
    round_number: int
    # The case the new submission replaces.
    supersedes: str | None

    def case(self, procedure: Procedure) -> CaseOpening:
        """What every request for `procedure` opens its case with: the declaration, the key
        that makes this round's repeats one case, and the case it replaces."""
        return CaseOpening(
            declaration_id=self.declaration_id,
            idempotency_key=idempotency_key(self.declaration_id, procedure, self.round_number),
            supersedes_case_number=self.supersedes,
        )


@dataclass(frozen=True)
class StepSpec(Generic[DeclarationT, RequestT, ResultT]):
    # The procedure's row in the procedure table: its agency, its Nexus operation, its record.
    agency_procedure: AgencyProcedure[RequestT, ResultT]
    build: Callable[[Submission[DeclarationT]], RequestT]

    @property
    def procedure(self) -> Procedure:
        return self.agency_procedure.procedure

    @property
    def agency(self) -> Agency:
        return self.agency_procedure.agency

    @property
    def operation(self) -> nexusrpc.Operation[RequestT, OfficerDecision]:
        """The agency's Nexus operation that opens the case and ends with its decision."""
        return self.agency_procedure.operation

    @property
    def result_type(self) -> type[ResultT]:
        """The record the agency returns with its approval, which later steps may need."""
        return self.agency_procedure.result


class StepRunner(Protocol[DeclarationT]):
    """What a procedure group's steps run in: the declaration's workflow."""

    @property
    def current_declaration(self) -> DeclarationT: ...

    async def run_step(self, spec: StepSpec[DeclarationT, RequestT, ResultT]) -> ResultT | None: ...

    def not_started(self, cause: Message) -> None: ...
