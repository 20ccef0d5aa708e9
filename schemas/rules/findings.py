"""What a rule is checked against, and how a broken rule is reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from messages import Message
from reference_data.admin_units import AdminUnitCatalogue

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class RuleViolation:
    loc: Loc
    msg: str
    type: str
    # The words of `msg`, language-free: put into the citizen's language where it is answered.
    message: Message | None = None


@dataclass(frozen=True)
class RuleContext:
    today: date
    admin_units: AdminUnitCatalogue
    attachment_max_bytes: int
    max_attachments: int


class Findings:
    """The violations found so far, in the order the checks ran."""

    def __init__(self) -> None:
        self.items: list[RuleViolation] = []

    def add(self, loc: Loc, kind: str, message: str) -> None:
        self.items.append(RuleViolation(loc=loc, msg=message, type=kind))

    def report(self, loc: Loc, kind: str, **params: str | int | float | Message) -> None:
        """A broken rule whose message is the catalogue's entry for `kind` (the 422's `type`)."""
        message = Message(code=kind, params=params)
        self.items.append(RuleViolation(loc=loc, msg=message.text(), type=kind, message=message))
