"""The identifier rules, against hand-checked examples."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.identifiers import (
    add_months,
    century_sex_digit,
    is_health_insurance_card_code,
    is_social_insurance_number,
    parse_personal_id,
    personal_id_prefix,
)


@pytest.mark.parametrize(
    ("sex", "year", "digit"),
    [
        ("male", 1990, 0),
        ("female", 1985, 1),
        ("male", 2003, 2),
        ("female", 2026, 3),
        ("male", 2100, 4),
        ("female", 2150, 5),
    ],
)
def test_century_sex_digit(sex: str, year: int, digit: int) -> None:
    assert century_sex_digit(sex, year) == digit  # type: ignore[arg-type]


def test_parse_personal_id_reads_province_sex_and_year() -> None:
    parts = parse_personal_id("079303123456")
    assert (parts.birth_province_code, parts.sex, parts.birth_year) == ("079", "female", 2003)
    parts = parse_personal_id("001090012345")
    assert (parts.birth_province_code, parts.sex, parts.birth_year) == ("001", "male", 1990)


def test_personal_id_prefix_round_trips() -> None:
    assert personal_id_prefix("001", "male", 1990) == "001090"
    assert personal_id_prefix("048", "female", 2024) == "048324"


def test_card_and_social_insurance_formats() -> None:
    assert is_social_insurance_number("0112345678")
    assert not is_social_insurance_number("011234567")
    assert is_health_insurance_card_code("TE1010112345678")
    assert not is_health_insurance_card_code("TE101011234567")
    assert not is_health_insurance_card_code("te1010112345678")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2020, 11, 20), 72, date(2026, 11, 20)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
    ],
)
def test_add_months_clamps_to_the_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected
