"""What a workflow reports to the store as a declaration moves."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from messages import Text
from schemas.notifications import Notice
from schemas.status import DeclarationStatusView


class StepEvent(BaseModel):
    sequence: int
    status: str
    occurred_at: datetime
    agency: str | None = None
    procedure: str | None = None
    reason: Text | None = None
    case_number: str | None = None
    # Set when someone outside the orchestrator made this happen (an agency officer).
    actor: str | None = None


class ProgressReport(BaseModel):
    view: DeclarationStatusView
    events: list[StepEvent] = Field(default_factory=list)
    # What the declarant is to be told of this report's changes, kept with them.
    notices: list[Notice] = Field(default_factory=list)
