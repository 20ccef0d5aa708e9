"""Benefit amounts computed by social security from its own records, each checked against a
figure computed by hand from the scenario person's record (see tests/harness/scenario_people.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from devstack.declaration_factory import DeclarationFactory
from tests.harness.portal import step, submit
from tests.harness.scenario_people import SCENARIOS
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status

ALL_FOUR = ("death_registration", "residence_removal", "funeral_allowance", "survivor_benefit")
DIED = date(2026, 11, 20)


async def declare(
    stack: Stack,
    factory: DeclarationFactory,
    scenario: str,
    *,
    form: str = "lump_sum",
    died: date = DIED,
    procedures: tuple[str, ...] = ALL_FOUR,
) -> dict[str, Any]:
    deceased = factory.people[SCENARIOS[scenario].personal_id]
    body = factory.death(deceased, procedures=procedures, form=form, date_of_death=died)
    accepted = await submit(stack.api, "death", body)
    return await wait_for_status(stack.api, accepted["declaration_id"])


async def test_pensioner(stack: Stack, factory: DeclarationFactory) -> None:
    view = await declare(stack, factory, "pensioner")
    assert view["status"] == "completed"
    funeral = step(view, "funeral_allowance")["result"]
    # 10 × 2,340,000 (base salary from 1 July 2024).
    assert funeral["amount_vnd"] == 23_400_000
    assert funeral["figures"]["base_salary_vnd"] == 2_340_000
    survivor = step(view, "survivor_benefit")["result"]
    # Pension from 2020-01-01; death on 2026-11-20 falls in month 83 of the pension:
    # 48 - 0.5 × (83 - 2) = 7.5 months × 6,000,000 = 45,000,000.
    assert survivor["rule"] == "survivor_benefit.lump_sum.pensioner"
    assert survivor["figures"]["month_of_pension"] == 83
    assert survivor["figures"]["months_of_pension_paid"] == 7.5
    assert survivor["lump_sum_vnd"] == 45_000_000
    assert "7.5" in survivor["explanation"]


async def test_pensioner_monthly_for_a_spouse(stack: Stack, factory: DeclarationFactory) -> None:
    # A second pensioner is needed: each person dies once. The scenario set reuses the
    # pension of the 2024 boundary pensioner for the monthly form.
    view = await declare(stack, factory, "died_2024_07_01", form="monthly", died=date(2024, 7, 1))
    survivor = step(view, "survivor_benefit")["result"]
    # One relative at 50% of 2,340,000 = 1,170,000 a month.
    assert survivor["rule"] == "survivor_benefit.monthly"
    assert survivor["monthly_amount_vnd"] == 1_170_000
    assert survivor["beneficiaries"][0]["share_percent_of_reference"] == 50
    # Funeral allowance at the boundary: the 2,340,000 level applies from 1 July 2024.
    assert step(view, "funeral_allowance")["result"]["amount_vnd"] == 23_400_000
    assert view["late_registration"] is True


async def test_base_salary_the_day_before_the_2024_rise(
    stack: Stack, factory: DeclarationFactory
) -> None:
    view = await declare(stack, factory, "died_2024_06_30", died=date(2024, 6, 30))
    funeral = step(view, "funeral_allowance")["result"]
    # 10 × 1,800,000 (base salary from 1 July 2023).
    assert funeral["amount_vnd"] == 18_000_000
    assert funeral["figures"]["base_salary_effective_from"] == "2023-07-01"


async def test_contributor_before_and_after_2014(stack: Stack, factory: DeclarationFactory) -> None:
    view = await declare(stack, factory, "contributor_across_2014")
    assert step(view, "funeral_allowance")["result"]["amount_vnd"] == 23_400_000
    survivor = step(view, "survivor_benefit")["result"]
    # 1.5 × 8 years before 2014 + 2 × 12 years from 2014 = 36 months × 10,000,000.
    assert survivor["rule"] == "survivor_benefit.lump_sum.contributions"
    assert survivor["figures"]["months_of_salary"] == 36
    assert survivor["lump_sum_vnd"] == 360_000_000


async def test_suspended_under_12_months(stack: Stack, factory: DeclarationFactory) -> None:
    view = await declare(stack, factory, "suspended_9_months")
    assert view["status"] == "partially_completed"
    funeral = step(view, "funeral_allowance")
    assert funeral["status"] == "rejected"
    assert "at least 12 months" in funeral["reason"]
    assert funeral["result"]["covered"] is False
    assert funeral["result"]["figures"]["contribution_months"] == 9
    survivor = step(view, "survivor_benefit")["result"]
    # 2 × 0.75 year = 1.5 months, raised to the 3-month minimum: 3 × 6,000,000.
    assert survivor["lump_sum_vnd"] == 18_000_000


async def test_suspended_over_12_months(stack: Stack, factory: DeclarationFactory) -> None:
    view = await declare(stack, factory, "suspended_2_years")
    assert view["status"] == "completed"
    assert step(view, "funeral_allowance")["result"]["amount_vnd"] == 23_400_000
    # 2 × 2 years = 4 months × 7,000,000.
    assert step(view, "survivor_benefit")["result"]["lump_sum_vnd"] == 28_000_000


async def test_monthly_asked_but_not_eligible_pays_the_lump_sum(
    stack: Stack, factory: DeclarationFactory
) -> None:
    view = await declare(stack, factory, "contributor_10_years", form="monthly")
    survivor = step(view, "survivor_benefit")["result"]
    # 10 years < 15: lump sum of 2 × 10 = 20 months × 9,000,000.
    assert survivor["form"] == "lump_sum"
    assert survivor["lump_sum_vnd"] == 180_000_000
    assert "at least 15 years" in survivor["explanation"]


async def test_no_social_insurance_record(stack: Stack, factory: DeclarationFactory) -> None:
    view = await declare(stack, factory, "uninsured")
    assert view["status"] == "partially_completed"
    assert step(view, "death_registration")["status"] == "approved"
    assert step(view, "residence_removal")["status"] == "approved"
    for benefit in ("funeral_allowance", "survivor_benefit"):
        outcome = step(view, benefit)
        assert outcome["status"] == "rejected"
        assert "no record" in outcome["reason"]
        assert outcome["result"]["covered"] is False
        assert outcome["result"]["rule"] == "not_covered.no_record"


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_scenario_people_are_in_the_test_dataset(
    factory: DeclarationFactory, scenario: str
) -> None:
    person = SCENARIOS[scenario]
    assert person.personal_id in factory.people
    assert (person.personal_id in factory.insured_by_id) == (person.insured is not None)
