"""What a declaration workflow starts from. Everything it needs to route and time its steps
travels in the input, so the workflow reads no settings and stays deterministic on replay."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from schemas.birth import BirthDeclaration
from schemas.death import DeathDeclaration


class TaskQueues(BaseModel):
    orchestrator: str
    justice: str
    police: str
    social_security: str
    postal: str

    @classmethod
    def with_prefix(cls, prefix: str) -> TaskQueues:
        return cls(
            orchestrator=f"{prefix}-orchestrator",
            justice=f"{prefix}-agency-justice",
            police=f"{prefix}-agency-police",
            social_security=f"{prefix}-agency-social-security",
            postal=f"{prefix}-postal",
        )


class OrchestrationOptions(BaseModel):
    task_queues: TaskQueues
    agency_call_timeout_seconds: float = Field(default=30.0, gt=0)
    # Set only in tests and demos: one working day lasts this many seconds, weekends ignored.
    working_day_seconds: float | None = Field(default=None, gt=0)
    # The public keys each agency signs its decisions with; a decision counts only if one of its
    # agency's keys verifies it.
    agency_verify_keys: dict[str, list[str]] = Field(default_factory=dict)


class BirthWorkflowInput(BaseModel):
    declaration_id: str
    received_at: datetime
    declaration: BirthDeclaration
    options: OrchestrationOptions


class DeathWorkflowInput(BaseModel):
    declaration_id: str
    received_at: datetime
    declaration: DeathDeclaration
    late_registration: bool
    options: OrchestrationOptions
