"""A procedure desk: one procedure an agency handles, declared once. The agency's routes, its
case numbers and its decisions on the procedure's cases all come from the desk, and the route
from the product's procedure table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

from agency_contracts.procedures import PROCEDURES
from sandbox.casebook.decisions import CaseAtHand, Decision
from schemas.common import Procedure

Body = TypeVar("Body", bound=BaseModel)


@dataclass(frozen=True)
class ProcedureDesk(Generic[Body]):
    """The series its case numbers are counted in, the request the agency accepts, the agency's
    rules, and whom a case is about. Callers file the procedure at the route the product's
    procedure table names for it."""

    procedure: str
    # The operation's name in the agency's API description.
    operation: str
    series: str
    body_model: type[Body]
    rules: Callable[[CaseAtHand, Body], Decision]
    subject: Callable[[Body], str | None]
    # How the agency numbers the desk's cases, when not `SERIES-00000001` (the post's shipments
    # are numbered by their tracking numbers).
    numbering: Callable[[int], str] | None = None
    # Where callers file what is no procedure of the table's (the post's shipments).
    own_path: str | None = None

    @property
    def path(self) -> str:
        if self.own_path is not None:
            return self.own_path
        return PROCEDURES[Procedure(self.procedure)].route

    def case_number(self, sequence: int) -> str:
        return self.numbering(sequence) if self.numbering else f"{self.series}-{sequence:08d}"

    def decide_stored(self, at_hand: CaseAtHand, request_json: str) -> Decision:
        """Decide a case from the request as the agency stored it when the case was opened."""
        return self.rules(at_hand, self.body_model.model_validate_json(request_json))
