"""The relatives of a monthly survivor benefit and their rates: at most four are paid, the
highest rates first."""

from __future__ import annotations

from dataclasses import dataclass

MONTHLY_SHARE_PERCENT = 50
MONTHLY_SHARE_NO_CARETAKER_PERCENT = 70
MONTHLY_MAX_RELATIVES = 4


@dataclass(frozen=True)
class Relative:
    personal_id: str
    relationship: str
    without_caretaker: bool
    full_name: str = ""

    @property
    def percent(self) -> int:
        return (
            MONTHLY_SHARE_NO_CARETAKER_PERCENT if self.without_caretaker else MONTHLY_SHARE_PERCENT
        )


def paid_relatives(
    relatives: list[Relative],
) -> tuple[list[Relative], list[Relative]]:
    """The relatives paid and those left out: at most four, the highest rates first (a relative
    with no direct caretaker before the others), in the declaration's order among equals."""
    ranked = sorted(relatives, key=lambda r: -r.percent)
    return ranked[:MONTHLY_MAX_RELATIVES], ranked[MONTHLY_MAX_RELATIVES:]
