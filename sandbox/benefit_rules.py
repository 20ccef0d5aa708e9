"""Social security's benefit rules on a death, computed from its own records.

Every result names the rule it applied and the figures it used, so the family can redo the sum.
Amounts are whole VND, rounded half up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sandbox.dataset import InsuredEntry

# The base salary (lương cơ sở) and the day each level took effect.
BASE_SALARY_TABLE: tuple[tuple[date, int], ...] = (
    (date(2019, 7, 1), 1_490_000),
    (date(2023, 7, 1), 1_800_000),
    (date(2024, 7, 1), 2_340_000),
)
FUNERAL_MULTIPLE = 10
MONTHLY_SHARE_PERCENT = 50
MONTHLY_SHARE_NO_CARETAKER_PERCENT = 70
MONTHLY_MAX_RELATIVES = 4
MONTHLY_MIN_CONTRIBUTION_YEARS = 15
SUSPENDED_FUNERAL_MIN_MONTHS = 12
PENSIONER_LUMP_SUM_START_MONTHS = Decimal(48)
LUMP_SUM_MIN_MONTHS = Decimal(3)


class NoReferenceLevel(ValueError):
    """The date is before the first base salary on record."""


@dataclass(frozen=True)
class BenefitOutcome:
    covered: bool
    rule: str
    explanation: str
    figures: dict[str, int | float | str] = field(default_factory=dict)
    amount_vnd: int = 0


@dataclass(frozen=True)
class Relative:
    personal_id: str
    relationship: str
    without_caretaker: bool


@dataclass(frozen=True)
class MonthlyShare:
    personal_id: str
    relationship: str
    percent: int
    amount_vnd: int


@dataclass(frozen=True)
class SurvivorOutcome(BenefitOutcome):
    form: str = "lump_sum"
    monthly_amount_vnd: int | None = None
    shares: tuple[MonthlyShare, ...] = ()


def _vnd(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _months_figure(months: Decimal) -> float:
    return float(months)


def base_salary_for_month_of(day: date) -> tuple[date, int]:
    """The base salary in force in the month of `day`, and the date it took effect."""
    first_of_month = day.replace(day=1)
    in_force = [(start, amount) for start, amount in BASE_SALARY_TABLE if start <= first_of_month]
    if not in_force:
        raise NoReferenceLevel(f"no base salary on record for {day.isoformat()}")
    return in_force[-1]


def contribution_months(record: InsuredEntry) -> int:
    return round(record.contribution_years * 12)


def _not_covered(rule: str, explanation: str) -> BenefitOutcome:
    return BenefitOutcome(covered=False, rule=rule, explanation=explanation)


def funeral_allowance(record: InsuredEntry | None, date_of_death: date) -> BenefitOutcome:
    if record is None:
        return _not_covered(
            "not_covered.no_record",
            "Social security holds no record for the deceased, so no funeral allowance is due.",
        )
    months = contribution_months(record)
    if record.status == "suspended" and months < SUSPENDED_FUNERAL_MIN_MONTHS:
        return BenefitOutcome(
            covered=False,
            rule="not_covered.suspended_under_12_months",
            explanation=(
                f"The deceased had suspended contributions with {months} months paid; the funeral "
                f"allowance needs at least {SUSPENDED_FUNERAL_MIN_MONTHS} months."
            ),
            figures={"contribution_months": months},
        )
    effective_from, base_salary = base_salary_for_month_of(date_of_death)
    amount = FUNERAL_MULTIPLE * base_salary
    return BenefitOutcome(
        covered=True,
        rule="funeral_allowance.10x_base_salary",
        explanation=(
            f"{FUNERAL_MULTIPLE} × the base salary in force in the month of death "
            f"({base_salary:,} VND from {effective_from.isoformat()}) = {amount:,} VND."
        ),
        figures={
            "insured_status": record.status,
            "contribution_months": months,
            "date_of_death": date_of_death.isoformat(),
            "base_salary_vnd": base_salary,
            "base_salary_effective_from": effective_from.isoformat(),
            "multiple": FUNERAL_MULTIPLE,
        },
        amount_vnd=amount,
    )


def monthly_eligible(record: InsuredEntry) -> bool:
    return (
        record.status == "pensioner" or record.contribution_years >= MONTHLY_MIN_CONTRIBUTION_YEARS
    )


def _whole_months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months - 1 if end.day < start.day else months


def lump_sum(record: InsuredEntry, date_of_death: date, note: str = "") -> SurvivorOutcome:
    if record.status == "pensioner" and record.monthly_pension_vnd and record.pension_start_date:
        elapsed = max(0, _whole_months_between(record.pension_start_date, date_of_death))
        month_of_pension = elapsed + 1
        reduction = Decimal("0.5") * max(0, month_of_pension - 2)
        months = max(LUMP_SUM_MIN_MONTHS, PENSIONER_LUMP_SUM_START_MONTHS - reduction)
        amount = _vnd(months * record.monthly_pension_vnd)
        return SurvivorOutcome(
            covered=True,
            rule="survivor_benefit.lump_sum.pensioner",
            explanation=(
                f"{note}Death in month {month_of_pension} of the pension: 48 months of pension "
                f"less 0.5 month for each month after the second ({reduction} months), at least 3: "
                f"{months} × {record.monthly_pension_vnd:,} VND = {amount:,} VND."
            ),
            figures={
                "pension_start_date": record.pension_start_date.isoformat(),
                "date_of_death": date_of_death.isoformat(),
                "month_of_pension": month_of_pension,
                "months_of_pension_paid": _months_figure(months),
                "monthly_pension_vnd": record.monthly_pension_vnd,
            },
            amount_vnd=amount,
            form="lump_sum",
        )
    before = Decimal(str(record.contribution_years_before_2014))
    since = Decimal(str(record.contribution_years)) - before
    computed = Decimal("1.5") * before + 2 * since
    months = max(LUMP_SUM_MIN_MONTHS, computed)
    amount = _vnd(months * record.average_monthly_salary_vnd)
    return SurvivorOutcome(
        covered=True,
        rule="survivor_benefit.lump_sum.contributions",
        explanation=(
            f"{note}1.5 months of average salary for each of {before} contribution years before "
            f"2014 and 2 months for each of {since} years from 2014 = {computed} months "
            f"(at least 3): {months} × {record.average_monthly_salary_vnd:,} VND = {amount:,} VND."
        ),
        figures={
            "contribution_years_before_2014": float(before),
            "contribution_years_from_2014": float(since),
            "months_of_salary": _months_figure(months),
            "average_monthly_salary_vnd": record.average_monthly_salary_vnd,
        },
        amount_vnd=amount,
        form="lump_sum",
    )


def monthly(
    record: InsuredEntry, date_of_death: date, relatives: list[Relative]
) -> SurvivorOutcome:
    effective_from, base_salary = base_salary_for_month_of(date_of_death)
    counted = relatives[:MONTHLY_MAX_RELATIVES]
    shares = tuple(
        MonthlyShare(
            personal_id=r.personal_id,
            relationship=r.relationship,
            percent=MONTHLY_SHARE_NO_CARETAKER_PERCENT
            if r.without_caretaker
            else MONTHLY_SHARE_PERCENT,
            amount_vnd=_vnd(
                Decimal(
                    MONTHLY_SHARE_NO_CARETAKER_PERCENT
                    if r.without_caretaker
                    else MONTHLY_SHARE_PERCENT
                )
                * base_salary
                / 100
            ),
        )
        for r in counted
    )
    total = sum(s.amount_vnd for s in shares)
    reason = (
        "the deceased was a pensioner"
        if record.status == "pensioner"
        else f"the deceased had {record.contribution_years:g} years of contributions (≥ 15)"
    )
    return SurvivorOutcome(
        covered=True,
        rule="survivor_benefit.monthly",
        explanation=(
            f"Monthly survivor benefit because {reason}: 50% of the base salary "
            f"({base_salary:,} VND) per relative, 70% for a relative with no direct caretaker, "
            f"for at most {MONTHLY_MAX_RELATIVES} relatives ({len(counted)} counted) = "
            f"{total:,} VND a month."
        ),
        figures={
            "base_salary_vnd": base_salary,
            "base_salary_effective_from": effective_from.isoformat(),
            "relatives_listed": len(relatives),
            "relatives_counted": len(counted),
        },
        amount_vnd=total,
        form="monthly",
        monthly_amount_vnd=total,
        shares=shares,
    )


def survivor_benefit(
    record: InsuredEntry | None, date_of_death: date, form: str, relatives: list[Relative]
) -> BenefitOutcome:
    if record is None:
        return _not_covered(
            "not_covered.no_record",
            "Social security holds no record for the deceased, so no survivor benefit is due.",
        )
    if form == "monthly":
        if monthly_eligible(record):
            return monthly(record, date_of_death, relatives)
        return lump_sum(
            record,
            date_of_death,
            note=(
                "The monthly benefit needs a pensioner or at least 15 years of contributions; "
                f"the deceased had {record.contribution_years:g}, so the lump sum applies. "
            ),
        )
    return lump_sum(record, date_of_death)
