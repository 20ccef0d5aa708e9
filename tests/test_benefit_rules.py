"""Social security's benefit arithmetic, unit by unit, against hand-computed figures."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox import benefit_rules
from sandbox.dataset import InsuredEntry


def insured(**overrides: object) -> InsuredEntry:
    values: dict[str, object] = {
        "social_insurance_number": "0100000001",
        "personal_id": "001090000001",
        "status": "contributing",
        "contribution_years": 10,
        "contribution_years_before_2014": 0,
        "average_monthly_salary_vnd": 10_000_000,
    }
    values.update(overrides)
    return InsuredEntry.model_validate(values)


@pytest.mark.parametrize(
    ("day", "amount", "since"),
    [
        (date(2019, 7, 1), 1_490_000, date(2019, 7, 1)),
        (date(2023, 6, 30), 1_490_000, date(2019, 7, 1)),
        (date(2023, 7, 15), 1_800_000, date(2023, 7, 1)),
        (date(2024, 6, 30), 1_800_000, date(2023, 7, 1)),
        (date(2024, 7, 1), 2_340_000, date(2024, 7, 1)),
        (date(2026, 11, 20), 2_340_000, date(2024, 7, 1)),
    ],
)
def test_base_salary_in_force_in_the_month(day: date, amount: int, since: date) -> None:
    assert benefit_rules.base_salary_for_month_of(day) == (since, amount)


def test_no_base_salary_before_the_table() -> None:
    with pytest.raises(benefit_rules.NoReferenceLevel):
        benefit_rules.base_salary_for_month_of(date(2019, 6, 30))


def test_pensioner_dying_in_the_first_two_months_gets_48_months() -> None:
    record = insured(
        status="pensioner", monthly_pension_vnd=5_000_000, pension_start_date=date(2026, 9, 10)
    )
    outcome = benefit_rules.lump_sum(record, date(2026, 11, 9))  # month 2 of the pension
    assert outcome.amount_vnd == 48 * 5_000_000


def test_pensioner_lump_sum_never_below_three_months() -> None:
    record = insured(
        status="pensioner", monthly_pension_vnd=5_000_000, pension_start_date=date(2000, 1, 1)
    )
    outcome = benefit_rules.lump_sum(record, date(2026, 11, 20))
    assert outcome.amount_vnd == 3 * 5_000_000


def test_monthly_benefit_caps_at_four_relatives_and_pays_70_without_caretaker() -> None:
    record = insured(
        status="pensioner", monthly_pension_vnd=5_000_000, pension_start_date=date(2015, 1, 1)
    )
    relatives = [benefit_rules.Relative(f"00109000000{i}", "child", i == 0) for i in range(5)]
    outcome = benefit_rules.monthly(record, date(2026, 11, 20), relatives)
    # 70% + 3 × 50% of 2,340,000 = 1,638,000 + 3 × 1,170,000 = 5,148,000.
    assert [s.percent for s in outcome.shares] == [70, 50, 50, 50]
    assert outcome.monthly_amount_vnd == 5_148_000
    assert outcome.figures["relatives_counted"] == 4


def test_contributing_member_is_covered_for_funeral_whatever_the_months() -> None:
    outcome = benefit_rules.funeral_allowance(insured(contribution_years=0.5), date(2026, 11, 20))
    assert outcome.covered and outcome.amount_vnd == 23_400_000


def test_half_months_round_half_up_to_the_dong() -> None:
    record = insured(
        contribution_years=1.75,
        contribution_years_before_2014=0.25,
        average_monthly_salary_vnd=3_333_333,
    )
    # 1.5 × 0.25 + 2 × 1.5 = 3.375 months × 3,333,333 = 11,249,998.875 → 11,249,999.
    assert benefit_rules.lump_sum(record, date(2026, 11, 20)).amount_vnd == 11_249_999
