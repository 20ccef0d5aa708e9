"""Benefit amounts computed by social security from its own records, each checked against a
figure computed by hand from the scenario person's record (see tests/harness/scenario_people.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from devstack.declaration_factory import DeclarationFactory, attachment
from messages import Language, Message
from tests.harness.documents import document_text
from tests.harness.portal import step, submit
from tests.harness.scenario_people import SCENARIOS
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status

ALL_FOUR = ("death_registration", "residence_removal", "funeral_allowance", "survivor_benefit")
DIED = date(2026, 11, 20)
ENGLISH = {"Accept-Language": "en"}


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
    assessed: tuple[str, ...] = (),
    **details: Any,
) -> dict[str, Any]:
    """`assessed`: the relatives whose working-capacity assessment is attached."""
    deceased = factory.people[SCENARIOS[scenario].personal_id]
    body = factory.death(deceased, procedures=procedures, form=form, date_of_death=died, **details)
    body["attachments"] += [
        {**attachment("working_capacity_assessment"), "personal_id": personal_id}
        for personal_id in assessed
    ]
    accepted = await submit(stack.api, "death", body)
    return await wait_for_status(stack.api, accepted["declaration_id"])


def beneficiary(
    personal_id: str, full_name: str, relationship: str, born: date, **details: Any
) -> dict[str, Any]:
    return {
        "personal_id": personal_id,
        "full_name": full_name,
        "relationship": relationship,
        "date_of_birth": born.isoformat(),
        **details,
    }


def spouse_of(scenario: str, **details: Any) -> dict[str, Any]:
    person = SCENARIOS[scenario]
    return beneficiary(
        person.spouse_id, person.spouse_name, "spouse", person.spouse_date_of_birth, **details
    )


def arrears_by_hand(
    first_month: tuple[int, int], decided_on: str, monthly_amount: int
) -> list[dict[str, Any]]:
    """The months from `first_month` to the one before the decision's month, at one base
    salary (every month here is after 1 July 2024)."""
    decided = date.fromisoformat(decided_on)
    year, month = first_month
    months = (decided.year * 12 + decided.month) - (year * 12 + month)
    if months <= 0:
        return []
    last = decided.year * 12 + decided.month - 2  # the month before the decision's, 0-based
    return [
        {
            "from": f"{year:04d}-{month:02d}",
            "to": f"{last // 12:04d}-{last % 12 + 1:02d}",
            "monthly_amount_vnd": monthly_amount,
            "months": months,
            "amount_vnd": months * monthly_amount,
        }
    ]


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
    # The husband, 83, is past the retirement age: one relative at 50% of 2,340,000 =
    # 1,170,000 a month, from August 2024, the month after the death.
    assert survivor["rule"] == "survivor_benefit.monthly"
    assert survivor["monthly_amount_vnd"] == 1_170_000
    assert survivor["first_month"] == "2024-08"
    assert survivor["paid"][0]["share_percent_of_reference"] == 50
    assert survivor["beneficiaries"] == survivor["paid"]
    assert survivor["not_paid"] == []
    assert survivor["arrears"] == arrears_by_hand(
        (2024, 8), str(survivor["figures"]["decided_on"]), 1_170_000
    )
    # Funeral allowance at the boundary: the 2,340,000 level applies from 1 July 2024.
    assert step(view, "funeral_allowance")["result"]["amount_vnd"] == 23_400_000
    assert view["late_registration"] is True


async def test_base_salary_the_day_before_the_2024_rise(
    stack: Stack, factory: DeclarationFactory
) -> None:
    # The widow, 81, with no direct caretaker (70%), and a son of 55 whose working capacity is
    # reduced by 85%, shown by the assessment attached (50%).
    son = beneficiary(
        "001069900206",
        "Hoàng Văn Tú",
        "child",
        date(1969, 9, 9),
        working_capacity_reduction_percent=85,
    )
    view = await declare(
        stack,
        factory,
        "died_2024_06_30",
        form="monthly",
        died=date(2024, 6, 30),
        beneficiaries=[spouse_of("died_2024_06_30", without_caretaker=True), son],
        assessed=(son["personal_id"],),
    )
    funeral = step(view, "funeral_allowance")["result"]
    # The funeral allowance takes the month of death: 10 × 1,800,000 (from 1 July 2023).
    assert funeral["amount_vnd"] == 18_000_000
    assert funeral["figures"]["base_salary_effective_from"] == "2023-07-01"
    survivor = step(view, "survivor_benefit")["result"]
    # The monthly benefit starts in July 2024 at July's 2,340,000, not June's 1,800,000:
    # 70% + 50% = 1,638,000 + 1,170,000 = 2,808,000 a month (not 2,160,000).
    assert survivor["first_month"] == "2024-07"
    assert survivor["monthly_amount_vnd"] == 2_808_000
    assert [(b["full_name"], b["monthly_amount_vnd"]) for b in survivor["paid"]] == [
        (SCENARIOS["died_2024_06_30"].spouse_name, 1_638_000),
        ("Hoàng Văn Tú", 1_170_000),
    ]
    # Declared late: every month from July 2024 to the one before the decision is due, all
    # at 2,340,000.
    assert survivor["arrears"] == arrears_by_hand(
        (2024, 7), str(survivor["figures"]["decided_on"]), 2_808_000
    )
    assert "hưởng từ tháng 07/2024" in in_words(survivor["explanation"])


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
    # The signed decision in Vietnamese words and numbers.
    text = await document_text(stack.api, view["declaration_id"], "survivor_benefit")
    assert "Căn cứ: Trợ cấp tuất một lần theo thời gian đóng bảo hiểm xã hội" in text
    assert "Thời gian đóng trước năm 2014: 8 năm" in text
    assert "36 × 10.000.000 đồng = 360.000.000 đồng" in text
    assert "survivor_benefit.lump_sum" not in text and "counted_years" not in text


async def test_suspended_under_12_months(stack: Stack, factory: DeclarationFactory) -> None:
    view = await declare(stack, factory, "suspended_9_months")
    assert view["status"] == "partially_completed"
    funeral = step(view, "funeral_allowance")
    assert funeral["status"] == "rejected"
    assert "ít nhất 12 tháng" in funeral["reason"]
    assert funeral["reason_code"] == "suspended_under_12_months"
    assert funeral["result"]["covered"] is False
    assert funeral["result"]["figures"]["contribution_months"] == 9
    # The refusal in English on request, with the same code.
    english = await stack.api.get(f"/v1/declarations/{view['declaration_id']}", headers=ENGLISH)
    funeral_en = step(english.json(), "funeral_allowance")
    assert funeral_en["reason"] == (
        "The deceased had suspended contributions with 9 months paid; the funeral allowance "
        "needs at least 12 months."
    )
    assert funeral_en["reason_code"] == "suspended_under_12_months"
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
    daughter = beneficiary("001316900209", "Lê Thị Na", "child", date(2016, 6, 6))
    view = await declare(
        stack,
        factory,
        "occupational_accident",
        form="monthly",
        cause_category="occupational_accident",
        beneficiaries=[spouse_of("occupational_accident"), daughter],
    )
    assert view["status"] == "completed"
    survivor = step(view, "survivor_benefit")["result"]
    # Three years of contributions, but the accident is on VSS's record: monthly. The daughter,
    # 10, is paid 50% of 2,340,000 = 1,170,000 a month; the widow, 37, able to work, is not.
    assert survivor["rule"] == "survivor_benefit.monthly"
    assert survivor["figures"]["monthly_grounds"] == "occupational_accident"
    assert survivor["monthly_amount_vnd"] == 1_170_000
    assert [b["full_name"] for b in survivor["paid"]] == ["Lê Thị Na"]
    assert [(b["full_name"], b["reason_code"]) for b in survivor["not_paid"]] == [
        (SCENARIOS["occupational_accident"].spouse_name, "under_retirement_age_able_to_work")
    ]
    assert "tai nạn lao động" in in_words(survivor["explanation"])
    # The same explanation, in English on request.
    english = await stack.api.get(
        f"/v1/declarations/{view['declaration_id']}", headers={"Accept-Language": "en"}
    )
    survivor_en = step(english.json(), "survivor_benefit")["result"]
    assert "occupational accident" in in_words(survivor_en["explanation"], "en")
    assert "retirement age" in in_words(survivor_en["not_paid"][0]["reason"], "en")


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
    # The widow, 53, is below the retirement age (she reaches it on 12 August 2031) and able to
    # work: not entitled. The five children, all under 18, are: the two with no caretaker at
    # 70%, then the first two at 50%: 2 × 1,638,000 + 2 × 1,170,000 = 5,616,000 a month.
    assert survivor["monthly_amount_vnd"] == 5_616_000
    assert [b["full_name"] for b in survivor["paid"]] == [
        "Trịnh Thị Dung",
        "Trịnh Văn Em",
        "Trịnh Văn An",
        "Trịnh Thị Bình",
    ]
    assert [b["share_percent_of_reference"] for b in survivor["paid"]] == [70, 70, 50, 50]
    not_paid = survivor["not_paid"]
    assert [(b["full_name"], b["reason_code"]) for b in not_paid] == [
        (person.spouse_name, "under_retirement_age_able_to_work"),
        ("Trịnh Văn Cường", "more_than_four_entitled"),
    ]
    assert "12/08/2031" in in_words(not_paid[0]["reason"])
    assert "tối đa 4" in in_words(not_paid[1]["reason"])
    assert survivor["beneficiaries_not_paid"] == not_paid
    assert survivor["figures"]["relatives_not_paid"] == 2


async def test_four_adult_children_and_a_minor(stack: Stack, factory: DeclarationFactory) -> None:
    grown = [
        beneficiary(f"001{digit}{born % 100:02d}900{n:03d}", name, "child", date(born, 4, 4))
        for n, (digit, born, name) in enumerate(
            [
                (0, 1984, "Đinh Văn Bảo"),
                (1, 1986, "Đinh Thị Cúc"),
                (0, 1988, "Đinh Văn Duy"),
                (1, 1990, "Đinh Thị Giang"),
            ],
            start=211,
        )
    ]
    minor = beneficiary("001211900215", "Đinh Văn Khôi", "child", date(2011, 5, 5))
    view = await declare(
        stack,
        factory,
        "adult_children_and_a_minor",
        form="monthly",
        beneficiaries=[*grown, minor],
    )
    survivor = step(view, "survivor_benefit")["result"]
    # Only the child under 18 is entitled: 50% of 2,340,000 = 1,170,000 a month.
    assert survivor["rule"] == "survivor_benefit.monthly"
    assert [b["full_name"] for b in survivor["paid"]] == ["Đinh Văn Khôi"]
    assert survivor["monthly_amount_vnd"] == 1_170_000
    assert [(b["full_name"], b["reason_code"]) for b in survivor["not_paid"]] == [
        (b["full_name"], "adult_child_able_to_work") for b in grown
    ]
    assert all(b["share_percent_of_reference"] is None for b in survivor["not_paid"])
    assert survivor["first_month"] == "2026-12"
    assert survivor["arrears"] == arrears_by_hand(
        (2026, 12), str(survivor["figures"]["decided_on"]), 1_170_000
    )


async def test_funeral_for_a_monthly_occupational_benefit_under_12_months(
    stack: Stack, factory: DeclarationFactory
) -> None:
    view = await declare(stack, factory, "occupational_benefit_9_months")
    assert view["status"] == "completed"
    funeral = step(view, "funeral_allowance")["result"]
    # Nine months of contributions, suspended, but a monthly occupational benefit on record:
    # 10 × 2,340,000 = 23,400,000.
    assert funeral["covered"] is True
    assert funeral["amount_vnd"] == 23_400_000
    assert funeral["figures"]["occupational_incapacity_percent"] == 45
    # 9 months from 2014 count as a year: 2 months, raised to 3 × 6,000,000.
    assert step(view, "survivor_benefit")["result"]["lump_sum_vnd"] == 18_000_000


async def test_pensioner_without_a_pension_start_date(
    stack: Stack, factory: DeclarationFactory
) -> None:
    view = await declare(stack, factory, "pensioner_without_start_date")
    assert view["status"] == "partially_completed"
    # 10 × 2,340,000.
    assert step(view, "funeral_allowance")["result"]["amount_vnd"] == 23_400_000
    survivor = step(view, "survivor_benefit")
    assert survivor["status"] == "rejected"
    assert survivor["reason_code"] == "pension_record_incomplete"
    assert "ngày bắt đầu hưởng lương hưu" in survivor["reason"]
    assert survivor["result"]["covered"] is False
    assert survivor["result"]["lump_sum_vnd"] == 0
    english = await stack.api.get(f"/v1/declarations/{view['declaration_id']}", headers=ENGLISH)
    survivor_en = step(english.json(), "survivor_benefit")
    assert survivor_en["reason_code"] == "pension_record_incomplete"
    assert survivor_en["reason"].startswith(
        "The deceased was a pensioner, but social security's pension record lacks the date the "
        "pension started"
    )
    assert survivor_en["result"]["explanation"] == survivor_en["reason"]


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
