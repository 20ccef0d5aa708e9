"""The national identifiers and how they are built (see the domain notes).

Format checks here are pure and deterministic, so they are safe inside workflows as well as at
the edge. Checks that need reference data or today's date live in `schemas.rules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

from schemas.text import LATIN_SCRIPT_CHECK, TEXT_CHECK

Sex = Literal["male", "female"]

# Identifiers are made of ASCII digits only: `\d` and `str.isdigit()` also take Arabic-Indic,
# full-width and other digits, which no agency's register holds. The patterns are matched whole
# (`fullmatch`), so a trailing newline is not let through by `$` either.
_PERSONAL_ID = re.compile(r"[0-9]{12}")
_SOCIAL_INSURANCE_NUMBER = re.compile(r"[0-9]{10}")
_CARD_CODE = re.compile(r"[A-Z]{2}[0-9][0-9]{2}[0-9]{10}")
_COMMUNE_CODE = re.compile(r"[0-9]{5}")
_PHONE = re.compile(r"(?:\+84|0)[0-9]{9}")


def _check_personal_id(value: str) -> str:
    if not _PERSONAL_ID.fullmatch(value):
        raise PydanticCustomError(
            "personal_id_format", "A personal identification number is exactly 12 digits."
        )
    return value


def _check_commune_code(value: str) -> str:
    if not _COMMUNE_CODE.fullmatch(value):
        raise PydanticCustomError("commune_code_format", "A commune code is exactly 5 digits.")
    return value


def _check_phone(value: str) -> str:
    compact = re.sub(r"[\s.-]", "", value)
    if not _PHONE.fullmatch(compact):
        raise PydanticCustomError(
            "phone_format",
            "Enter a Vietnamese phone number: 10 digits starting with 0, or +84 and 9 digits.",
        )
    return compact


def e164_phone(phone: str) -> str:
    """A checked Vietnamese number in the international form SMS providers take (+84…)."""
    return phone if phone.startswith("+84") else "+84" + phone[1:]


def _check_document_number(value: str) -> str:
    if any(ch.isdigit() and not ch.isascii() for ch in value):
        raise PydanticCustomError(
            "document_number_digits",
            "Write the number with the digits 0 to 9, as it is printed on the document.",
        )
    return value


# Each identifier is text first: a control or invisible character in it is named as such.
PersonalId = Annotated[str, TEXT_CHECK, AfterValidator(_check_personal_id)]
CommuneCode = Annotated[str, TEXT_CHECK, AfterValidator(_check_commune_code)]
PhoneNumber = Annotated[str, TEXT_CHECK, AfterValidator(_check_phone)]
# ISO 3166 alpha-2.
CountryCode = Annotated[str, TEXT_CHECK, StringConstraints(pattern=r"^[A-Z]{2}$")]
PassportNumber = Annotated[str, TEXT_CHECK, StringConstraints(pattern=r"^[A-Z0-9]{6,12}$")]
# The number of a certificate or notice a person copies from the paper (the birth certificate,
# the death notice, the poor-household certificate): free in form, but its digits are ASCII and
# its letters Latin, so a look-alike from another script does not make another number.
DocumentNumber = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    TEXT_CHECK,
    AfterValidator(_check_document_number),
    LATIN_SCRIPT_CHECK,
]


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
    return bool(_SOCIAL_INSURANCE_NUMBER.fullmatch(value))


def is_health_insurance_card_code(value: str) -> bool:
    return bool(_CARD_CODE.fullmatch(value))


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
