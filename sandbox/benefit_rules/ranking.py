"""The relatives the monthly survivor benefit pays: among those entitled, at most four, the
highest rates first; every other relative listed is named with why they are not paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from messages import Message
from sandbox.benefit_rules.entitlement import Relative, entitlement
from sandbox.benefit_rules.outcomes import NOT_PAID_MORE_THAN_FOUR, UnpaidRelative

MONTHLY_MAX_RELATIVES = 4


@dataclass(frozen=True)
class RelativesChoice:
    """The relatives paid, the highest rates first, and every other relative listed, in the
    declaration's order, with why they are not paid."""

    paid: tuple[Relative, ...]
    not_paid: tuple[UnpaidRelative, ...]

    @property
    def listed(self) -> int:
        return len(self.paid) + len(self.not_paid)


def _unpaid(
    relative: Relative, reason_code: str, reason: Message, percent: int | None
) -> UnpaidRelative:
    return UnpaidRelative(
        personal_id=relative.personal_id,
        relationship=relative.relationship,
        reason_code=reason_code,
        reason=reason,
        percent=percent,
        full_name=relative.full_name,
    )


def choose_relatives(relatives: list[Relative], date_of_death: date) -> RelativesChoice:
    """Each relative's entitlement is judged alone; among the entitled, at most four are paid,
    the highest rates first (a relative with no direct caretaker before the others), in the
    declaration's order among equals."""
    verdicts = [entitlement(r, date_of_death) for r in relatives]
    entitled = [i for i, verdict in enumerate(verdicts) if verdict.entitled]
    ranked = sorted(entitled, key=lambda i: -relatives[i].percent)
    paid, left_out = ranked[:MONTHLY_MAX_RELATIVES], set(ranked[MONTHLY_MAX_RELATIVES:])
    lowest_paid = min((relatives[i].percent for i in paid), default=0)
    not_paid = []
    for index, (relative, verdict) in enumerate(zip(relatives, verdicts, strict=True)):
        if index in left_out:
            reason = Message.of(
                "benefit.monthly.relative_not_paid",
                maximum=MONTHLY_MAX_RELATIVES,
                percent=relative.percent,
                lowest_paid=lowest_paid,
            )
            not_paid.append(_unpaid(relative, NOT_PAID_MORE_THAN_FOUR, reason, relative.percent))
        elif verdict.reason_code is not None and verdict.reason is not None:
            not_paid.append(_unpaid(relative, verdict.reason_code, verdict.reason, None))
    return RelativesChoice(paid=tuple(relatives[i] for i in paid), not_paid=tuple(not_paid))
