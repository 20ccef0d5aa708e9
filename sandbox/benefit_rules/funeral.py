"""The funeral allowance: a lump sum of ten times the base salary in force in the month of death.

It is paid for a pensioner, for a person receiving a monthly occupational accident or disease
benefit whatever their contribution time, for a contributor, and for a suspended contributor
with at least 12 months of contributions."""

from __future__ import annotations

from datetime import date

from messages import Message
from sandbox.benefit_rules.amounts import duration
from sandbox.benefit_rules.base_salary import (
    NoReferenceLevel,
    base_salary_for_month_of,
    before_base_salary_table,
)
from sandbox.benefit_rules.contributions import contribution_months
from sandbox.benefit_rules.outcomes import (
    REFUSAL_SUSPENDED_UNDER_12_MONTHS,
    BenefitOutcome,
    no_record,
)
from sandbox.dataset import InsuredEntry

FUNERAL_MULTIPLE = 10
SUSPENDED_FUNERAL_MIN_MONTHS = 12


def receives_monthly_occupational_benefit(record: InsuredEntry) -> bool:
    """VSS pays the person a monthly occupational accident or disease benefit (its record holds
    the incapacity rate it is paid at)."""
    return record.occupational_incapacity_percent is not None


def funeral_allowance(record: InsuredEntry | None, date_of_death: date) -> BenefitOutcome:
    if record is None:
        return no_record("funeral_allowance")
    months = contribution_months(record)
    occupational = receives_monthly_occupational_benefit(record)
    short = record.status == "suspended" and months < SUSPENDED_FUNERAL_MIN_MONTHS
    if short and not occupational:
        return BenefitOutcome(
            covered=False,
            rule="not_covered.suspended_under_12_months",
            explanation=Message.of(
                "benefit.refusal.suspended_under_12_months",
                paid=duration(months),
                minimum=SUSPENDED_FUNERAL_MIN_MONTHS,
            ),
            figures={"insured_status": record.status, "contribution_months": months},
            refusal=REFUSAL_SUSPENDED_UNDER_12_MONTHS,
        )
    try:
        effective_from, base_salary = base_salary_for_month_of(date_of_death)
    except NoReferenceLevel:
        return before_base_salary_table("funeral_allowance", date_of_death)
    amount = FUNERAL_MULTIPLE * base_salary
    explanation = Message.of(
        "benefit.funeral_allowance.10x_base_salary",
        multiple=FUNERAL_MULTIPLE,
        base_salary=base_salary,
        effective_from=effective_from.isoformat(),
        amount=amount,
    )
    figures: dict[str, int | float | str] = {
        "insured_status": record.status,
        "contribution_months": months,
        "date_of_death": date_of_death.isoformat(),
        "base_salary_vnd": base_salary,
        "base_salary_effective_from": effective_from.isoformat(),
        "multiple": FUNERAL_MULTIPLE,
    }
    if short and record.occupational_incapacity_percent is not None:
        # Covered on this ground alone: the contribution time does not matter.
        figures["occupational_incapacity_percent"] = record.occupational_incapacity_percent
        explanation = Message.of(
            "benefit.note_then",
            note=Message.of(
                "benefit.funeral_allowance.monthly_occupational_benefit",
                percent=record.occupational_incapacity_percent,
                paid=duration(months),
            ),
            explanation=explanation,
        )
    return BenefitOutcome(
        covered=True,
        rule="funeral_allowance.10x_base_salary",
        explanation=explanation,
        figures=figures,
        amount_vnd=amount,
    )
