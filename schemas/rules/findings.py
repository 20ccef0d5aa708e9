"""What a rule is checked against, and how a broken rule is reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reference_data.admin_units import AdminUnitCatalogue

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class RuleViolation:
    loc: Loc
    msg: str
    type: str


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
