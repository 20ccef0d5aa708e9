"""What the declarant is told at each milestone of a declaration, and through which channel."""

from __future__ import annotations

from pydantic import BaseModel, Field

from messages import Message, Text
from schemas.common import NotificationChannel


class Milestone(BaseModel):
    """A moment the family hears of: its key is stable within the declaration (`received`,
    `step:birth_registration:1:approved`), so each milestone is told once."""

    key: str
    # A few words, the subject of an e-mail.
    title: Message
    # What happened, and what the family should do, if anything.
    text: Text


class Notice(BaseModel):
    """One milestone for one channel: what the notification activities send. The recipient is
    personal data: it travels in encrypted payloads and is never logged."""

    idempotency_key: str = Field(max_length=200)
    declaration_id: str
    channel: NotificationChannel
    recipient: str
    milestone: Milestone
    # Attach the declaration's signed documents: electronic results also go to an e-mail
    # address, when one is given.
    attach_documents: bool = False
