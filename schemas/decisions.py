"""The messages a declaration workflow receives from the portal, and the records it keeps."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from messages import Message
from schemas.birth import BirthDeclaration
from schemas.death import DeathDeclaration


class Requester(BaseModel):
    """Who asked, as the portal API verified them, and the API's signature over the request
    (security.requesters): fresh once (its nonce), for a while (until `expires_at`), and for
    what it answers (the supplement requests by ID; none for a withdrawal)."""

    actor: str
    requested_at: datetime
    expires_at: datetime
    nonce: str
    answers: list[str] = Field(default_factory=list)
    key_id: str
    signature: str


class SupplementAnswer(BaseModel):
    """The citizen's answer, already merged into the declaration and checked at the edge."""

    declaration: BirthDeclaration | DeathDeclaration
    changed: list[str]
    answered_at: datetime
    requester: Requester

    def attested_content(self) -> str:
        return supplement_content(self.declaration, self.changed)


def supplement_content(declaration: BirthDeclaration | DeathDeclaration, changed: list[str]) -> str:
    """What the portal API attests of a supplement's answer: the declaration as corrected."""
    return f"{declaration.model_dump_json()}\n{','.join(changed)}"


class WithdrawalRequest(BaseModel):
    reason: str | None = None
    requested_at: datetime
    requester: Requester

    def attested_content(self) -> str:
        return self.reason or ""


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
    reason: Message
