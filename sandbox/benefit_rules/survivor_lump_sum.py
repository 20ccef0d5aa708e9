"""The survivor benefit as a lump sum: months of pension for a pensioner, otherwise months of
average salary for each year of contributions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from messages import Message, listing
from sandbox.benefit_rules.amounts import duration, quantity, vnd
from sandbox.benefit_rules.contributions import ContributionPeriods
from sandbox.benefit_rules.outcomes import REFUSAL_PENSION_RECORD_INCOMPLETE, SurvivorOutcome
from sandbox.dataset import InsuredEntry

PENSIONER_LUMP_SUM_START_MONTHS = Decimal(48)
PENSIONER_LUMP_SUM_FULL_MONTHS = 2
LUMP_SUM_MIN_MONTHS = Decimal(3)


def _whole_months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months - 1 if end.day < start.day else months


def _pensioner_lump_sum(
    date_of_death: date, pension: int, started: date, note: Message | None
) -> SurvivorOutcome:
    elapsed = max(0, _whole_months_between(started, date_of_death))
    month_of_pension = elapsed + 1
    reduction = Decimal("0.5") * max(0, month_of_pension - PENSIONER_LUMP_SUM_FULL_MONTHS)
    months = max(LUMP_SUM_MIN_MONTHS, PENSIONER_LUMP_SUM_START_MONTHS - reduction)
    return _lump_sum_outcome(
        "pensioner",
        vnd(months * pension),
        note,
        {
            "pension_start_date": started.isoformat(),
            "date_of_death": date_of_death.isoformat(),
            "month_of_pension": month_of_pension,
            "months_of_pension_paid": quantity(months),
            "monthly_pension_vnd": pension,
        },
        month_of_pension=month_of_pension,
        reduction=quantity(reduction),
        months=quantity(months),
        pension=pension,
    )


def _pension_record_incomplete(record: InsuredEntry) -> SurvivorOutcome:
    """VSS's own record of the pension lacks what the lump sum is computed from. Only VSS can
    complete it (from the pension decision in its archive): nothing the family could send would
    change the record the rule reads, so this is a refusal naming what is missing, never the
    contributor's rule applied to a pensioner in its place."""
    missing = [
        Message.of(f"benefit.pension_record.{name}")
        for name, value in (
            ("pension_start_date", record.pension_start_date),
            ("monthly_pension_vnd", record.monthly_pension_vnd),
        )
        if not value
    ]
    return SurvivorOutcome(
        covered=False,
        rule=f"not_covered.{REFUSAL_PENSION_RECORD_INCOMPLETE}",
        explanation=Message.of(
            "benefit.refusal.pension_record_incomplete", missing=listing(missing)
        ),
        figures={
            "insured_status": record.status,
            "pension_record_missing": ",".join(
                m.code.removeprefix("benefit.pension_record.") for m in missing
            ),
        },
        refusal=REFUSAL_PENSION_RECORD_INCOMPLETE,
        form="lump_sum",
    )


def _lump_sum_outcome(
    basis: str,
    amount: int,
    note: Message | None,
    figures: dict[str, int | float | str],
    **words: str | int | float | Message,
) -> SurvivorOutcome:
    """The lump sum computed on `basis` (`pensioner` or `contributions`), explained in `words`
    and the amount, after the note if there is one."""
    explanation = Message.of(f"benefit.lump_sum.{basis}", **words, amount=amount)
    if note is not None:
        explanation = Message.of("benefit.note_then", note=note, explanation=explanation)
    return SurvivorOutcome(
        covered=True,
        rule=f"survivor_benefit.lump_sum.{basis}",
        explanation=explanation,
        figures=figures,
        amount_vnd=amount,
        form="lump_sum",
    )


def lump_sum(
    record: InsuredEntry, date_of_death: date, note: Message | None = None
) -> SurvivorOutcome:
    if record.status == "pensioner":
        if record.monthly_pension_vnd and record.pension_start_date:
            return _pensioner_lump_sum(
                date_of_death, record.monthly_pension_vnd, record.pension_start_date, note
            )
        return _pension_record_incomplete(record)
    periods = ContributionPeriods.of(record)
    computed = periods.months_of_salary
    months = max(LUMP_SUM_MIN_MONTHS, computed)
    salary = record.average_monthly_salary_vnd
    return _lump_sum_outcome(
        "contributions",
        vnd(months * salary),
        note,
        {
            "contribution_months_before_2014": periods.months_before_2014,
            "contribution_months_from_2014": periods.months_from_2014,
            "odd_months_carried_into_2014": periods.carried_months,
            "counted_years_before_2014": periods.years_before_2014,
            "counted_years_from_2014": quantity(periods.years_from_2014),
            "months_of_salary": quantity(months),
            "average_monthly_salary_vnd": salary,
        },
        before_2014=duration(periods.months_before_2014),
        from_2014=duration(periods.months_from_2014),
        years_before_2014=periods.years_before_2014,
        carried=periods.carried_months,
        counted_from_2014=duration(periods.counted_months_from_2014),
        years_from_2014=quantity(periods.years_from_2014),
        computed=quantity(computed),
        months=quantity(months),
        salary=salary,
    )
