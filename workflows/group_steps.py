"""How a procedure group runs its agency steps: the registration first, then, side by side, the
steps that need its record and that the declaration asks for."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from agency_contracts.decisions import IdentityClaim
    from agency_contracts.procedures import AgencyProcedure
    from messages import Message
    from schemas.common import Procedure, ProcedureGroup

from workflows.agency_steps import (
    DeclarationT,
    RequestT,
    ResultT,
    StepRunner,
    StepSpec,
    Submission,
)

RecordT = TypeVar("RecordT", bound=BaseModel)


def always(declaration: object) -> bool:
    return True


class StepOnRecord(ABC, Generic[DeclarationT, RecordT]):
    """A step that needs the group's registration record, whatever it asks of its agency."""

    @property
    @abstractmethod
    def procedure(self) -> Procedure: ...

    @abstractmethod
    def chosen(self, declaration: DeclarationT) -> bool:
        """Whether the declaration asks for this step."""

    @abstractmethod
    async def run(self, record: RecordT, runner: StepRunner[DeclarationT]) -> None: ...


@dataclass(frozen=True)
class AgencyStepOnRecord(
    StepOnRecord[DeclarationT, RecordT], Generic[DeclarationT, RecordT, RequestT, ResultT]
):
    agency_procedure: AgencyProcedure[RequestT, ResultT]
    build: Callable[[Submission[DeclarationT], RecordT], RequestT]
    chosen_when: Callable[[DeclarationT], bool] = always

    @property
    def procedure(self) -> Procedure:
        return self.agency_procedure.procedure

    def chosen(self, declaration: DeclarationT) -> bool:
        return self.chosen_when(declaration)

    async def run(self, record: RecordT, runner: StepRunner[DeclarationT]) -> None:
        build = self.build
        await runner.run_step(
            StepSpec(self.agency_procedure, lambda submission: build(submission, record))
        )


class ProcedureSteps(ABC, Generic[DeclarationT]):
    """A procedure group as its declaration's workflow sees it."""

    group: ProcedureGroup
    # The group as families and operators read it ("a birth").
    name: Message

    @abstractmethod
    def procedures(self, declaration: DeclarationT) -> tuple[Procedure, ...]:
        """The procedures the declaration asks for, in the order they run."""

    @abstractmethod
    def all_procedures(self) -> tuple[Procedure, ...]:
        """Every procedure of the group, in the order they run."""

    @abstractmethod
    def identity_claims(
        self, declaration: DeclarationT, supplemented: frozenset[str]
    ) -> list[IdentityClaim]:
        """The people the population registry is asked to confirm before any agency, given the
        parts of the declaration the citizen supplemented so far."""

    @abstractmethod
    async def run(self, runner: StepRunner[DeclarationT]) -> None: ...


@dataclass(frozen=True)
class GroupSteps(ProcedureSteps[DeclarationT], Generic[DeclarationT, RequestT, RecordT]):
    group: ProcedureGroup
    name: Message
    registration: StepSpec[DeclarationT, RequestT, RecordT]
    # What the steps after the registration need from it, as the citizen reads it.
    record_name: Message
    after_registration: Sequence[StepOnRecord[DeclarationT, RecordT]]
    claims: Callable[[DeclarationT, frozenset[str]], list[IdentityClaim]]

    def procedures(self, declaration: DeclarationT) -> tuple[Procedure, ...]:
        return (
            self.registration.procedure,
            *(s.procedure for s in self.after_registration if s.chosen(declaration)),
        )

    def all_procedures(self) -> tuple[Procedure, ...]:
        return (self.registration.procedure, *(s.procedure for s in self.after_registration))

    def identity_claims(
        self, declaration: DeclarationT, supplemented: frozenset[str]
    ) -> list[IdentityClaim]:
        return self.claims(declaration, supplemented)

    async def run(self, runner: StepRunner[DeclarationT]) -> None:
        record = await runner.run_step(self.registration)
        if record is None:
            runner.not_started(Message.of("registration_missing", record=self.record_name))
            return
        declaration = runner.current_declaration
        await asyncio.gather(
            *(
                step.run(record, runner)
                for step in self.after_registration
                if step.chosen(declaration)
            )
        )
