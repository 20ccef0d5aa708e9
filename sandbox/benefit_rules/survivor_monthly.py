"""The survivor benefit paid monthly: a share of the base salary for each relative paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from messages import Message
from sandbox.benefit_rules.amounts import vnd
from sandbox.benefit_rules.base_salary import base_salary_for_month_of
from sandbox.benefit_rules.grounds import monthly_grounds
from sandbox.benefit_rules.outcomes import MonthlyShare, SurvivorOutcome, UnpaidRelative
from sandbox.benefit_rules.ranking import MONTHLY_MAX_RELATIVES, Relative, paid_relatives
from sandbox.dataset import InsuredEntry


def monthly(
    record: InsuredEntry,
    date_of_death: date,
    relatives: list[Relative],
    cause_category: str = "illness",
) -> SurvivorOutcome:
    """The monthly benefit. Assumes a ground holds (see `monthly_grounds`); raises
    `NoReferenceLevel` for a death before the base salary table."""
    effective_from, base_salary = base_salary_for_month_of(date_of_death)
    paid, left_out = paid_relatives(relatives)
    shares = tuple(
        MonthlyShare(
            personal_id=r.personal_id,
            relationship=r.relationship,
            percent=r.percent,
            amount_vnd=vnd(Decimal(r.percent) * base_salary / 100),
            full_name=r.full_name,
        )
        for r in paid
    )
    lowest_paid = min((s.percent for s in shares), default=0)
    not_paid = tuple(
        UnpaidRelative(
            personal_id=r.personal_id,
            relationship=r.relationship,
            percent=r.percent,
            reason=Message.of(
                "benefit.monthly.relative_not_paid",
                maximum=MONTHLY_MAX_RELATIVES,
                percent=r.percent,
                lowest_paid=lowest_paid,
            ),
            full_name=r.full_name,
        )
        for r in left_out
    )
    total = sum(s.amount_vnd for s in shares)
    grounds = monthly_grounds(record, cause_category, date_of_death)
    ground = grounds[0] if grounds else Message.of("benefit.monthly_ground.pensioner")
    explanation = Message.of(
        "benefit.monthly" if not not_paid else "benefit.monthly.more_than_four",
        ground=ground,
        base_salary=base_salary,
        effective_from=effective_from.isoformat(),
        maximum=MONTHLY_MAX_RELATIVES,
        listed=len(relatives),
        counted=len(shares),
        not_paid=len(not_paid),
        total=total,
    )
    return SurvivorOutcome(
        covered=True,
        rule="survivor_benefit.monthly",
        explanation=explanation,
        figures={
            "base_salary_vnd": base_salary,
            "base_salary_effective_from": effective_from.isoformat(),
            "relatives_listed": len(relatives),
            "relatives_counted": len(shares),
            "relatives_not_paid": len(not_paid),
            "monthly_grounds": ",".join(
                g.code.removeprefix("benefit.monthly_ground.") for g in grounds
            ),
        },
        amount_vnd=total,
        form="monthly",
        monthly_amount_vnd=total,
        shares=shares,
        not_paid=not_paid,
    )
