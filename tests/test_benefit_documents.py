"""The benefit decisions a family reads, in Vietnamese words and Vietnamese numbers: the signed
decision printed from the agency's record of the real rules' outcome, and every rule and figure
the rules record put into words."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from adapters.case_worker.result_documents import render_result
from adapters.desks import PRINTERS
from adapters.social_security.benefit_wording import FIGURES
from messages import Message
from messages.catalogue import known_codes
from messages.formats import day, month, number, vnd
from sandbox import benefit_rules
from sandbox.dataset import InsuredEntry
from sandbox.social_security.benefits import outcome_record, survivor_record
from schemas.results import StepResult, SurvivorBenefitResult, step_result

DIED = date(2026, 11, 20)
DECIDED = date(2026, 11, 27)
ISSUED_AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def insured(**overrides: object) -> InsuredEntry:
    values: dict[str, object] = {
        "social_insurance_number": "0100000001",
        "personal_id": "001060000001",
        "status": "contributing",
        "contribution_years": 10,
        "contribution_years_before_2014": 0,
        "average_monthly_salary_vnd": 10_000_000,
    }
    values.update(overrides)
    return InsuredEntry.model_validate(values)


def as_result(outcome: benefit_rules.BenefitOutcome) -> StepResult:
    record = outcome_record(outcome)
    if isinstance(outcome, benefit_rules.SurvivorOutcome):
        record.update(survivor_record(outcome))
        procedure = "survivor_benefit"
    else:
        record["amount_vnd"] = outcome.amount_vnd
        procedure = "funeral_allowance"
    result = step_result(procedure, record)
    assert result is not None
    return result


def printed(result: StepResult) -> str:
    pdf = render_result(
        "social_security", "LT-TEST", "SS-00000001", result, ISSUED_AT, PRINTERS["social_security"]
    )
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_number_formats_of_each_language() -> None:
    assert vnd(2_340_000, "vi") == "2.340.000 đồng"
    assert vnd(2_340_000, "en") == "2,340,000 VND"
    assert number(14.5, "vi") == "14,5" and number(14.5, "en") == "14.5"
    assert number(1_234_567, "vi") == "1.234.567"
    assert day("2024-07-01", "vi") == "01/07/2024" and day(date(2024, 7, 1), "en") == "1 July 2024"
    assert month("2024-07", "vi") == "07/2024" and month("2024-07", "en") == "July 2024"


def test_the_signed_lump_sum_decision_reads_as_vietnamese() -> None:
    # 5 years before 2014 and 3 years 5 months from 2014: 5 × 1.5 = 7.5 months, and 3 years
    # 5 months count as 3.5 years × 2 = 7 months: 14.5 months × 10,000,000 = 145,000,000.
    record = insured(contribution_years=101 / 12, contribution_years_before_2014=5)
    outcome = benefit_rules.lump_sum(record, DIED)
    assert outcome.amount_vnd == 145_000_000
    text = printed(as_result(outcome))
    for words in (
        "Trợ cấp tuất một lần: 145.000.000 đồng",
        "Căn cứ: Trợ cấp tuất một lần theo thời gian đóng bảo hiểm xã hội",
        "Điều 89 Luật Bảo hiểm xã hội năm 2024",
        "Thời gian đóng trước năm 2014: 5 năm",
        "Thời gian đóng từ năm 2014: 3 năm 5 tháng",
        "Số năm tính hưởng từ năm 2014: 3,5 năm",
        "Số tháng lương bình quân được hưởng: 14,5 tháng",
        "Mức bình quân tiền lương tháng đóng bảo hiểm xã hội: 10.000.000 đồng",
        "14,5 × 10.000.000 đồng = 145.000.000 đồng",
    ):
        assert words in text, words
    for code in (
        "survivor_benefit.lump_sum",
        "counted_years",
        "3.5",
        "14.5",
        "10,000,000",
        "Số liệu",
    ):
        assert code not in text, code


def test_the_signed_monthly_decision_names_relatives_and_arrears_in_words() -> None:
    # Death on 30 June 2024, decided on 27 November 2026. A wife of 70 with no direct caretaker
    # (70%), a son of 9 (50%), and a daughter of 34 able to work, who is not entitled.
    relatives = [
        benefit_rules.Relative(
            "001154000001",
            "spouse",
            date(1954, 3, 1),
            without_caretaker=True,
            full_name="Lê Thị Lan",
        ),
        benefit_rules.Relative(
            "001215000002", "child", date(2015, 2, 2), full_name="Trần Văn Minh"
        ),
        benefit_rules.Relative("001190000003", "child", date(1990, 3, 3), full_name="Trần Thị Mai"),
    ]
    outcome = benefit_rules.survivor_benefit(
        insured(status="pensioner", contribution_years=30),
        date(2024, 6, 30),
        "monthly",
        relatives,
        today=DECIDED,
    )
    result = as_result(outcome)
    assert isinstance(result, SurvivorBenefitResult)
    # From July 2024 at 2,340,000: 1,638,000 + 1,170,000 = 2,808,000 a month; July 2024 to
    # October 2026 are 28 months due: 28 × 2,808,000 = 78,624,000.
    assert result.monthly_amount_vnd == 2_808_000
    assert result.first_month == "2024-07"
    assert [(p.first_month, p.last_month, p.months, p.amount_vnd) for p in result.arrears] == [
        ("2024-07", "2026-10", 28, 78_624_000)
    ]
    text = printed(result)
    for words in (
        "Trợ cấp tuất hằng tháng: 2.808.000 đồng",
        "Hưởng từ tháng: 07/2024",
        "Truy lĩnh từ tháng 07/2024 đến tháng 10/2026: 28 tháng × 2.808.000 đồng = 78.624.000 đồng",
        "Thân nhân được hưởng: Lê Thị Lan: vợ/chồng, 70% mức lương cơ sở, 1.638.000 đồng mỗi tháng",
        "Thân nhân được hưởng: Trần Văn Minh: con, 50% mức lương cơ sở, 1.170.000 đồng mỗi tháng",
        "Thân nhân không được trả: Trần Thị Mai: con. Không được hưởng trợ cấp tuất hằng tháng",
        "sinh ngày 03/03/1990",
        (
            "Căn cứ hưởng trợ cấp tuất hằng tháng: từ đủ 15 năm đóng bảo hiểm xã hội bắt buộc "
            "và đang hưởng lương hưu"
        ),
        "Ngày mất: 30/06/2024",
    ):
        assert words in text, words
    for code in (
        "child",
        "spouse",
        "adult_child",
        "survivor_benefit.monthly",
        "2024-07",
        "pensioner",
    ):
        assert code not in text, code


def test_every_rule_and_figure_the_rules_record_has_words() -> None:
    pensioner = insured(
        status="pensioner",
        contribution_years=30,
        monthly_pension_vnd=5_000_000,
        pension_start_date=date(2020, 1, 1),
    )
    child = benefit_rules.Relative("001215000002", "child", date(2015, 2, 2))
    outcomes = [
        benefit_rules.funeral_allowance(None, DIED),
        benefit_rules.funeral_allowance(insured(), DIED),
        benefit_rules.funeral_allowance(insured(), date(2011, 1, 1)),
        benefit_rules.funeral_allowance(insured(status="suspended", contribution_years=0.5), DIED),
        benefit_rules.funeral_allowance(
            insured(status="suspended", contribution_years=0.5, occupational_incapacity_percent=40),
            DIED,
        ),
        benefit_rules.lump_sum(
            insured(contribution_years=20, contribution_years_before_2014=8), DIED
        ),
        benefit_rules.lump_sum(pensioner, DIED),
        benefit_rules.lump_sum(insured(status="pensioner", contribution_years=30), DIED),
        benefit_rules.survivor_benefit(
            pensioner, date(2023, 1, 5), "monthly", [child], today=DECIDED
        ),
    ]
    known = known_codes()
    for outcome in outcomes:
        assert f"benefit.rule.{outcome.rule}" in known, outcome.rule
        for name, value in outcome.figures.items():
            assert name in FIGURES, name
            assert f"benefit.figure.{name}" in known, name
            assert isinstance(FIGURES[name](value), Message), name


def test_a_record_naming_relatives_as_v1_did_still_reads() -> None:
    share = {
        "personal_id": "001215000002",
        "relationship": "child",
        "share_percent_of_reference": 50,
        "monthly_amount_vnd": 1_170_000,
    }
    left_out = {
        "personal_id": "001215000003",
        "relationship": "child",
        "share_percent_of_reference": 50,
        "reason": {"code": "benefit.monthly.relative_not_paid", "params": {}},
    }
    result = step_result(
        "survivor_benefit",
        {
            "covered": True,
            "rule": "survivor_benefit.monthly",
            "explanation": {"code": "benefit.monthly_ground.pensioner", "params": {}},
            "form": "monthly",
            "monthly_amount_vnd": 1_170_000,
            "beneficiaries": [share],
            "beneficiaries_not_paid": [left_out],
        },
    )
    assert isinstance(result, SurvivorBenefitResult)
    assert [p.personal_id for p in result.paid] == ["001215000002"]
    # A relative not paid without a code was one of more than four entitled.
    assert [u.reason_code for u in result.not_paid] == ["more_than_four_entitled"]
    dumped = result.model_dump(mode="json")
    assert dumped["beneficiaries"] == dumped["paid"] and dumped["first_month"] is None
