"""What the police's confirmations print of their records: the residence registered, or
removed, with where it is."""

from __future__ import annotations

from collections.abc import Iterator

from adapters.case_worker.printing import Line, day_vi
from reference_data.admin_units import official_admin_units
from schemas.results import ResidenceRegistrationResult, ResidenceRemovalResult, StepResult


def _place(commune_code: str) -> Iterator[Line]:
    """Where the residence is, by the official names of its commune and province, then the
    commune's code; the code alone when the record names no official commune."""
    admin_units = official_admin_units()
    if admin_units.has_commune(commune_code):
        yield "Nơi thường trú", admin_units.place_name(commune_code)
    yield "Mã đơn vị hành chính cấp xã", commune_code


def printed(result: StepResult) -> Iterator[Line]:
    match result:
        case ResidenceRegistrationResult():
            yield "Số đăng ký cư trú", result.residence_registration_number
            yield from _place(result.commune_code)
            yield "Ngày đăng ký", day_vi(result.registered_on)
        case ResidenceRemovalResult():
            yield "Số xóa đăng ký thường trú", result.residence_removal_number
            yield from _place(result.commune_code)
            yield "Ngày xóa đăng ký", day_vi(result.removed_on)
