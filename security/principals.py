"""The parties that call the portal API, and what each may do."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel


class Scope(StrEnum):
    SUBMIT = "declarations:submit"
    READ = "declarations:read"
    ACT = "declarations:act"
    AUDIT = "audit:read"
    # Which agency keys the orchestrator trusts: adding, revoking, and the decisions held.
    TRUST = "trust:manage"


Role = Literal["portal", "citizen", "operator"]

ROLE_SCOPES: dict[str, frozenset[Scope]] = {
    # The national portal files declarations and follows the ones it filed.
    "portal": frozenset({Scope.SUBMIT, Scope.READ}),
    # A citizen, signed in through the portal: files, follows and acts on their own declarations.
    "citizen": frozenset({Scope.SUBMIT, Scope.READ, Scope.ACT}),
    # An operator reads any declaration and its audit trail.
    "operator": frozenset({Scope.READ, Scope.AUDIT, Scope.TRUST}),
}


class Principal(BaseModel):
    subject: str
    role: Role
    scopes: frozenset[Scope]
    # For a citizen: their personal ID, which must be the declarant's.
    citizen_id: str | None = None
    # For an operator: the party whose namespace they operate (the orchestrator or an agency).
    party: str = "orchestrator"

    def can(self, scope: Scope) -> bool:
        return scope in self.scopes

    @property
    def actor(self) -> str:
        """How the audit trail names this party (a citizen by role, not by personal ID)."""
        return f"{self.role}:{self.subject}"
