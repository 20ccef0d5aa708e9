"""What social security's card and decisions print of its records: the health-insurance card,
and each benefit with the rule it applied and every figure it used."""

from __future__ import annotations

from collections.abc import Iterator

from adapters.case_worker.printing import Line, day_vi, in_vietnamese, vnd_vi, yes_no
from adapters.social_security.benefit_wording import decision_lines, survivor_lines
from schemas.results import (
    BenefitDecision,
    FuneralAllowanceResult,
    HealthInsuranceCardResult,
    StepResult,
    SurvivorBenefitResult,
)


def _benefit_lines(result: BenefitDecision) -> Iterator[Line]:
    yield "Được hưởng", yes_no(result.covered)
    yield from in_vietnamese(decision_lines(result))


def printed(result: StepResult) -> Iterator[Line]:
    match result:
        case HealthInsuranceCardResult():
            yield "Mã số bảo hiểm xã hội", result.social_insurance_number
            yield "Mã thẻ", result.card_code
            yield "Mức hưởng", f"{result.benefit_level}"
            valid = f"từ {day_vi(result.valid_from)} đến {day_vi(result.valid_to)}"
            yield "Giá trị sử dụng", valid
        case FuneralAllowanceResult():
            yield "Số tiền trợ cấp mai táng", vnd_vi(result.amount_vnd)
            yield from _benefit_lines(result)
        case SurvivorBenefitResult():
            form = "một lần" if result.form == "lump_sum" else "hằng tháng"
            yield "Hình thức hưởng", f"Trợ cấp tuất {form}"
            yield "Trợ cấp tuất một lần", vnd_vi(result.lump_sum_vnd)
            yield "Trợ cấp tuất hằng tháng", vnd_vi(result.monthly_amount_vnd)
            yield from _benefit_lines(result)
            yield from in_vietnamese(survivor_lines(result))
