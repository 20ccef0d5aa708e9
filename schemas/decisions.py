"""The messages a declaration workflow receives from the portal, and the records it keeps."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from schemas.birth import BirthDeclaration
from schemas.death import DeathDeclaration


class SupplementAnswer(BaseModel):
    """The citizen's answer, already merged into the declaration and checked at the edge."""

    declaration: BirthDeclaration | DeathDeclaration
    changed: list[str]
    answered_at: datetime


class WithdrawalRequest(BaseModel):
    reason: str | None = None
    requested_at: datetime


class AttachmentCheck(BaseModel):
    declaration_id: str
    sha256: list[str]


class Escalation(BaseModel):
    declaration_id: str
    scope: str
    agency: str | None = None
    case_number: str | None = None
    deadline: datetime
    escalated_at: datetime
    reason: str
