"""Benefit amounts computed by social security from its own records, each checked against a
figure computed by hand from the scenario person's record (see tests/harness/scenario_people.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from devstack.declaration_factory import DeclarationFactory
from messages import Language, Message
from tests.harness.portal import step, submit
from tests.harness.scenario_people import SCENARIOS
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status

ALL_FOUR = ("death_registration", "residence_removal", "funeral_allowance", "survivor_benefit")
DIED = date(2026, 11, 20)


def in_words(said: str | dict[str, Any], language: Language = "vi") -> str:
    """A benefit's explanation or a relative's reason in words, whether the view gives it as
    words or as the language-free message."""
    return said if isinstance(said, str) else Message.model_validate(said).text(language)


async def declare(
    stack: Stack,
    factory: DeclarationFactory,
    scenario: str,
    *,
    form: str = "lump_sum",
    died: date = DIED,
    procedures: tuple[str, ...] = ALL_FOUR,
    **details: Any,
) -> dict[str, Any]:
    deceased = factory.people[SCENARIOS[scenario].personal_id]
    body = factory.death(deceased, procedures=procedures, form=form, date_of_death=died, **details)
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
    assert "7,5 ×" in in_words(survivor["explanation"])


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
    assert survivor["figures"]["counted_years_before_2014"] == 8
    assert survivor["figures"]["counted_years_from_2014"] == 12
    assert survivor["rule"] == "survivor_benefit.lump_sum.contributions"
    assert survivor["figures"]["months_of_salary"] == 36
    assert survivor["lump_sum_vnd"] == 360_000_000


async def test_suspended_under_12_months(stack: Stack, factory: DeclarationFactory) -> None:
    view = await declare(stack, factory, "suspended_9_months")
    assert view["status"] == "partially_completed"
    funeral = step(view, "funeral_allowance")
    assert funeral["status"] == "rejected"
    assert "ít nhất 12 tháng" in funeral["reason"]
    assert funeral["result"]["covered"] is False
    assert funeral["result"]["figures"]["contribution_months"] == 9
    survivor = step(view, "survivor_benefit")["result"]
    # 9 months from 2014 count as a full year: 2 months, raised to the 3-month minimum:
    # 3 × 6,000,000.
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
    assert "từ đủ 15 năm" in in_words(survivor["explanation"])
    assert "10 năm" in in_words(survivor["explanation"])


async def test_no_social_insurance_record(stack: Stack, factory: DeclarationFactory) -> None:
    view = await declare(stack, factory, "uninsured")
    assert view["status"] == "partially_completed"
    assert step(view, "death_registration")["status"] == "approved"
    assert step(view, "residence_removal")["status"] == "approved"
    for benefit in ("funeral_allowance", "survivor_benefit"):
        outcome = step(view, benefit)
        assert outcome["status"] == "rejected"
        assert "không có hồ sơ" in outcome["reason"]
        assert outcome["result"]["covered"] is False
        assert outcome["result"]["rule"] == "not_covered.no_record"


async def test_occupational_death_pays_monthly(stack: Stack, factory: DeclarationFactory) -> None:
    view = await declare(
        stack,
        factory,
        "occupational_accident",
        form="monthly",
        cause_category="occupational_accident",
    )
    assert view["status"] == "completed"
    survivor = step(view, "survivor_benefit")["result"]
    # Three years of contributions, but the accident is on VSS's record: monthly, one relative
    # at 50% of 2,340,000 = 1,170,000 a month.
    assert survivor["rule"] == "survivor_benefit.monthly"
    assert survivor["figures"]["monthly_grounds"] == "occupational_accident"
    assert survivor["monthly_amount_vnd"] == 1_170_000
    assert "tai nạn lao động" in in_words(survivor["explanation"])
    # The same explanation, in English on request.
    english = await stack.api.get(
        f"/v1/declarations/{view['declaration_id']}", headers={"Accept-Language": "en"}
    )
    survivor_en = step(english.json(), "survivor_benefit")["result"]
    assert "occupational accident" in in_words(survivor_en["explanation"], "en")


async def test_more_than_four_relatives(stack: Stack, factory: DeclarationFactory) -> None:
    person = SCENARIOS["many_relatives"]
    spouse = {
        "personal_id": person.spouse_id,
        "full_name": person.spouse_name,
        "relationship": "spouse",
        "date_of_birth": person.spouse_date_of_birth.isoformat(),
    }
    children = [
        {
            "personal_id": f"001{digit}{born % 100:02d}900{n:03d}",
            "full_name": name,
            "relationship": "child",
            "date_of_birth": date(born, 1, 15).isoformat(),
            "without_caretaker": alone,
        }
        for n, (digit, born, name, alone) in enumerate(
            [
                (2, 2010, "Trịnh Văn An", False),
                (3, 2011, "Trịnh Thị Bình", False),
                (2, 2012, "Trịnh Văn Cường", False),
                (3, 2013, "Trịnh Thị Dung", True),
                (2, 2014, "Trịnh Văn Em", True),
            ],
            start=201,
        )
    ]
    view = await declare(
        stack, factory, "many_relatives", form="monthly", beneficiaries=[spouse, *children]
    )
    survivor = step(view, "survivor_benefit")["result"]
    # Six entitled: the two children with no caretaker at 70%, then the spouse and the first
    # child at 50%: 2 × 1,638,000 + 2 × 1,170,000 = 5,616,000 a month.
    assert survivor["monthly_amount_vnd"] == 5_616_000
    assert [b["full_name"] for b in survivor["beneficiaries"]] == [
        "Trịnh Thị Dung",
        "Trịnh Văn Em",
        person.spouse_name,
        "Trịnh Văn An",
    ]
    assert [b["share_percent_of_reference"] for b in survivor["beneficiaries"]] == [70, 70, 50, 50]
    not_paid = survivor["beneficiaries_not_paid"]
    assert [b["full_name"] for b in not_paid] == ["Trịnh Thị Bình", "Trịnh Văn Cường"]
    assert all("tối đa 4" in in_words(b["reason"]) for b in not_paid)
    assert survivor["figures"]["relatives_not_paid"] == 2


async def test_occupational_cause_needs_the_accident_record(
    stack: Stack, factory: DeclarationFactory
) -> None:
    deceased = factory.people[SCENARIOS["uninsured"].personal_id]
    body = factory.death(deceased, cause_category="occupational_disease")
    body["attachments"] = [
        a for a in body["attachments"] if a["kind"] != "occupational_accident_record"
    ]
    response = await stack.api.post("/v1/declarations/death", json=body)
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert [p["type"] for p in problems] == ["occupational_accident_record_missing"]
    assert "bệnh nghề nghiệp" in problems[0]["msg"]


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_scenario_people_are_in_the_test_dataset(
    factory: DeclarationFactory, scenario: str
) -> None:
    person = SCENARIOS[scenario]
    assert person.personal_id in factory.people
    assert (person.personal_id in factory.insured_by_id) == (person.insured is not None)
