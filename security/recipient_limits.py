"""How many notices one phone number or e-mail address may receive, whatever declarations they
are about: anyone may file a declaration naming any phone number, so without a limit filings
could flood a stranger with messages.

A recipient is counted by what reaches the same phone or mailbox: a phone number in its
international form (`0912…` and `+84912…` are one phone), an e-mail address in lower case
without a `+tag` (which most mail providers deliver to the same mailbox). The identity is plain
text to be hashed with a secret key before it is kept (`security.pseudonyms`).
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.common import NotificationChannel
from schemas.identifiers import e164_phone


@dataclass(frozen=True)
class RecipientLimits:
    """At most `per_hour` notices in any 60 minutes and `per_day` in any 24 hours."""

    per_hour: int
    per_day: int

    def __post_init__(self) -> None:
        if not 1 <= self.per_hour <= self.per_day:
            raise ValueError("a recipient's notices: need 1 <= per hour <= per day")


def recipient_identity(channel: NotificationChannel, address: str) -> str:
    if channel == "sms":
        return f"sms:{e164_phone(address.strip())}"
    local, _, domain = address.strip().lower().rpartition("@")
    return f"email:{local.split('+', 1)[0]}@{domain}"


def admits(limits: RecipientLimits, in_last_hour: int, in_last_day: int) -> bool:
    """Whether one more notice may go to a recipient who had these many in the last hour and
    day."""
    return in_last_hour < limits.per_hour and in_last_day < limits.per_day
