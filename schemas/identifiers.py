"""The national identifiers and how they are built (see the domain notes).

Format checks here are pure and deterministic, so they are safe inside workflows as well as at
the edge. Checks that need reference data or today's date live in `schemas.rules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

Sex = Literal["male", "female"]

_PERSONAL_ID = re.compile(r"^\d{12}$")
_SOCIAL_INSURANCE_NUMBER = re.compile(r"^\d{10}$")
_CARD_CODE = re.compile(r"^[A-Z]{2}\d\d{2}\d{10}$")
_COMMUNE_CODE = re.compile(r"^\d{5}$")
_PHONE = re.compile(r"^(?:\+84|0)\d{9}$")


def _check_personal_id(value: str) -> str:
    if not _PERSONAL_ID.match(value):
        raise PydanticCustomError(
            "personal_id_format", "A personal identification number is exactly 12 digits."
        )
    return value


def _check_commune_code(value: str) -> str:
    if not _COMMUNE_CODE.match(value):
        raise PydanticCustomError("commune_code_format", "A commune code is exactly 5 digits.")
    return value


def _check_phone(value: str) -> str:
    compact = re.sub(r"[\s.-]", "", value)
    if not _PHONE.match(compact):
        raise PydanticCustomError(
            "phone_format",
            "Enter a Vietnamese phone number: 10 digits starting with 0, or +84 and 9 digits.",
        )
    return compact


def _check_full_name(value: str) -> str:
    name = " ".join(value.split())
    if len(name) < 2 or len(name) > 100:
        raise PydanticCustomError("full_name_length", "A full name has between 2 and 100 letters.")
    if any(ch.isdigit() for ch in name) or not all(ch.isalpha() or ch in " '-." for ch in name):
        raise PydanticCustomError(
            "full_name_characters", "A full name may contain only letters, spaces and hyphens."
        )
    return name


PersonalId = Annotated[str, AfterValidator(_check_personal_id)]
CommuneCode = Annotated[str, AfterValidator(_check_commune_code)]
PhoneNumber = Annotated[str, AfterValidator(_check_phone)]
FullName = Annotated[str, AfterValidator(_check_full_name)]


@dataclass(frozen=True)
class PersonalIdParts:
    birth_province_code: str
    sex: Sex
    birth_year: int


def century_sex_digit(sex: Sex, birth_year: int) -> int:
    """The 4th digit of a personal ID: 0/1 for the 1900s, 2/3 for the 2000s, and so on."""
    century_index = birth_year // 100 - 19
    return 2 * century_index + (0 if sex == "male" else 1)


def parse_personal_id(personal_id: str) -> PersonalIdParts:
    digit = int(personal_id[3])
    century_start = 1900 + 100 * (digit // 2)
    return PersonalIdParts(
        birth_province_code=personal_id[:3],
        sex="male" if digit % 2 == 0 else "female",
        birth_year=century_start + int(personal_id[4:6]),
    )


def personal_id_prefix(birth_province_code: str, sex: Sex, birth_year: int) -> str:
    """The first six digits that a person born then, there, of that sex must carry."""
    return f"{birth_province_code}{century_sex_digit(sex, birth_year)}{birth_year % 100:02d}"


def is_social_insurance_number(value: str) -> bool:
    return bool(_SOCIAL_INSURANCE_NUMBER.match(value))


def is_health_insurance_card_code(value: str) -> bool:
    return bool(_CARD_CODE.match(value))


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has at least 28 days")
