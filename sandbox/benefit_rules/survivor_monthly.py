"""The survivor benefit paid monthly: a share of the base salary for each relative paid, from the
month after the death, at the base salary in force in each month paid.

Amounts are stated as of the decision (`today`, the day social security decides, which the rule
is given rather than reading a clock): the monthly amount at the base salary then in force (or,
when the first month is still to come, at the first month's), and the months already due before
the decision's month as arrears, one period for each base salary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from messages import Message, sentences
from sandbox.benefit_rules.amounts import vnd
from sandbox.benefit_rules.base_salary import base_salary_for_month_of, base_salary_periods
from sandbox.benefit_rules.entitlement import Relative
from sandbox.benefit_rules.grounds import monthly_grounds
from sandbox.benefit_rules.outcomes import ArrearsPeriod, MonthlyShare, SurvivorOutcome
from sandbox.benefit_rules.ranking import MONTHLY_MAX_RELATIVES, RelativesChoice
from sandbox.dataset import InsuredEntry
from schemas.identifiers import add_months


def first_month_paid(date_of_death: date) -> date:
    """The first month of the monthly benefit (its first day): the month after the death."""
    return add_months(date_of_death.replace(day=1), 1)


def _year_month(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def _monthly_total(paid: tuple[Relative, ...], base_salary: int) -> int:
    return sum(_share(r, base_salary) for r in paid)


def _share(relative: Relative, base_salary: int) -> int:
    return vnd(Decimal(relative.percent) * base_salary / 100)


def arrears(
    paid: tuple[Relative, ...], first_month: date, today: date
) -> tuple[ArrearsPeriod, ...]:
    """The months from the first month to the one before the decision's month, by period of
    each base salary; none when the first month is the decision's month or later."""
    last_due = add_months(today.replace(day=1), -1)
    return tuple(
        ArrearsPeriod(
            first_month=_year_month(start),
            last_month=_year_month(end),
            monthly_amount_vnd=_monthly_total(paid, level),
            months=(end.year - start.year) * 12 + end.month - start.month + 1,
        )
        for start, end, level in base_salary_periods(first_month, last_due)
    )


def monthly(
    record: InsuredEntry,
    date_of_death: date,
    choice: RelativesChoice,
    *,
    today: date,
    cause_category: str = "illness",
) -> SurvivorOutcome:
    """The monthly benefit for the relatives chosen (see `choose_relatives`; at least one is
    paid). Assumes a ground holds (see `monthly_grounds`); raises `NoReferenceLevel` when its
    first month is before the base salary table."""
    first_month = first_month_paid(date_of_death)
    base_salary_for_month_of(first_month)
    effective_from, base_salary = base_salary_for_month_of(max(first_month, today))
    shares = tuple(
        MonthlyShare(
            personal_id=r.personal_id,
            relationship=r.relationship,
            percent=r.percent,
            amount_vnd=_share(r, base_salary),
            full_name=r.full_name,
        )
        for r in choice.paid
    )
    total = sum(s.amount_vnd for s in shares)
    due = arrears(choice.paid, first_month, today)
    arrears_vnd = sum(p.amount_vnd for p in due)
    grounds = monthly_grounds(record, cause_category, date_of_death)
    ground = grounds[0] if grounds else Message.of("benefit.monthly_ground.pensioner")
    said: list[Message] = [
        Message.of(
            "benefit.monthly.paid_from",
            ground=ground,
            first_month=_year_month(first_month),
            maximum=MONTHLY_MAX_RELATIVES,
            base_salary=base_salary,
            effective_from=effective_from.isoformat(),
            counted=len(shares),
            total=total,
        )
    ]
    if choice.not_paid:
        said.append(
            Message.of(
                "benefit.monthly.some_not_paid",
                listed=choice.listed,
                not_paid=len(choice.not_paid),
            )
        )
    if due:
        said.append(
            Message.of(
                "benefit.monthly.arrears",
                from_month=due[0].first_month,
                to_month=due[-1].last_month,
                months=sum(p.months for p in due),
                amount=arrears_vnd,
            )
        )
    explanation = sentences(said)
    assert isinstance(explanation, Message)
    return SurvivorOutcome(
        covered=True,
        rule="survivor_benefit.monthly",
        explanation=explanation,
        figures={
            "date_of_death": date_of_death.isoformat(),
            "decided_on": today.isoformat(),
            "base_salary_vnd": base_salary,
            "base_salary_effective_from": effective_from.isoformat(),
            "relatives_listed": choice.listed,
            "relatives_counted": len(shares),
            "relatives_not_paid": len(choice.not_paid),
            "arrears_months": sum(p.months for p in due),
            "arrears_vnd": arrears_vnd,
            "monthly_grounds": ",".join(
                g.code.removeprefix("benefit.monthly_ground.") for g in grounds
            ),
        },
        amount_vnd=total,
        form="monthly",
        monthly_amount_vnd=total,
        shares=shares,
        not_paid=choice.not_paid,
        first_month=_year_month(first_month),
        arrears=due,
    )
