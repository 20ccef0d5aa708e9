"""What a rule is checked against, and how a broken rule is reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from messages import DEFAULT_LANGUAGE, Language, Message
from reference_data.admin_units import AdminUnitCatalogue

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class RuleViolation:
    loc: Loc
    type: str
    # Language-free: put into the citizen's language only where the 422 is answered.
    message: Message

    def text(self, language: Language = DEFAULT_LANGUAGE) -> str:
        return self.message.text(language)

    @property
    def msg(self) -> str:
        return self.text()


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

    def report(self, loc: Loc, kind: str, **params: str | int | float | Message) -> None:
        """A broken rule whose message is the catalogue's entry for `kind` (the 422's `type`)."""
        self.items.append(
            RuleViolation(loc=loc, type=kind, message=Message(code=kind, params=params))
        )
