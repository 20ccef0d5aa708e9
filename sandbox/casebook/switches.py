"""The sandbox's own switches on an agency, which no real agency has: how cases are decided when
no officer acts, staged outages, and a new signing key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field


class DecisionPolicy(BaseModel):
    """How cases are decided when no officer acts: at once, after a delay, or only by officers."""

    mode: Literal["immediate", "delayed", "manual"] = "immediate"
    delay_seconds: float = Field(default=0, ge=0)


class FaultPlan(BaseModel):
    """Staged trouble for the next requests to the agency's business endpoints."""

    fail_next: int = Field(default=0, ge=0, description="Answer this many requests with an error.")
    status_code: int = Field(default=503, ge=400, le=599)
    outage_seconds: float = Field(default=0, ge=0, description="Refuse every request this long.")
    delay_seconds: float = Field(default=0, ge=0, description="Hold every request this long.")


@dataclass
class FaultState:
    fail_next: int = 0
    status_code: int = 503
    outage_until: float = 0.0
    delay_seconds: float = 0.0


class SigningKeyIn(BaseModel):
    key_id: str = Field(min_length=1, max_length=60)
    seed: str = Field(min_length=40, max_length=60)
