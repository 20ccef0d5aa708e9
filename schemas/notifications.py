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

    @property
    def holds(self) -> bool:
        """A step's result, which waits for the declaration's outcome (up to a settle window):
        a family hears of its steps with the outcome, not one by one."""
        return self.key.startswith("step:")

    @property
    def closes(self) -> bool:
        """The declaration's outcome: once it is known nothing else is to settle."""
        return self.key.startswith("closed:")

    @property
    def approves_a_step(self) -> bool:
        return self.holds and self.key.endswith(":approved")


class Notice(BaseModel):
    """What one report of a declaration tells its declarant through one channel: the milestones
    it reached, to go as one message (with what is still pending for the channel when it is
    sent). The recipient is personal data: it travels in encrypted payloads, is sealed in the
    store and is never logged."""

    idempotency_key: str = Field(max_length=200)
    declaration_id: str
    channel: NotificationChannel
    recipient: str
    # The report's place among the declaration's reports: the channel's messages go in order.
    sequence: int
    milestones: list[Milestone]
    # Attach the declaration's signed documents: electronic results also go to an e-mail
    # address, when one is given.
    attach_documents: bool = False
    # The documents the portal must hold before the message goes, by kind: a family told its
    # results are ready finds them there.
    expected_documents: list[str] = Field(default_factory=list)
    # A step's result waits for the outcome, or the next notice that does not wait.
    holds: bool = False
    # The declaration's outcome: nothing more is to settle, so nothing waits.
    closes: bool = False
