"""What the justice office's extracts print of its records: the birth and the death."""

from __future__ import annotations

from collections.abc import Iterator

from adapters.case_worker.printing import Line, day_vi, yes_no
from schemas.results import BirthRegistrationResult, DeathRegistrationResult, StepResult


def printed(result: StepResult) -> Iterator[Line]:
    match result:
        case BirthRegistrationResult():
            yield "Số đăng ký khai sinh", result.civil_status_record_number
            yield "Số định danh cá nhân của trẻ", result.child_personal_id
            yield "Ngày đăng ký", day_vi(result.registered_on)
        case DeathRegistrationResult():
            yield "Số đăng ký khai tử", result.death_record_number
            yield "Ngày đăng ký", day_vi(result.registered_on)
            yield "Đăng ký quá hạn", yes_no(result.late_registration)
