"""Personal IDs checked against the province codes and against who the person is said to be."""

from __future__ import annotations

from datetime import date

from schemas.identifiers import Sex, parse_personal_id, personal_id_prefix
from schemas.rules.findings import Findings, Loc, RuleContext


def check_personal_id_prefix(found: Findings, loc: Loc, personal_id: str, ctx: RuleContext) -> None:
    parts = parse_personal_id(personal_id)
    if parts.birth_province_code not in ctx.admin_units.birth_province_codes:
        found.add(
            loc,
            "personal_id_province",
            f"This personal ID starts with {parts.birth_province_code}, which is not a province "
            "code; check the number on the citizen identity card.",
        )
    elif parts.birth_year > ctx.today.year:
        found.add(
            loc,
            "personal_id_year",
            "This personal ID encodes a year of birth in the future; check the number.",
        )


def check_personal_id_agrees(
    found: Findings, loc: Loc, personal_id: str, sex: Sex, date_of_birth: date, ctx: RuleContext
) -> None:
    """The ID's province and year are plausible, and its prefix encodes this sex and year."""
    check_personal_id_prefix(found, loc, personal_id, ctx)
    parts = parse_personal_id(personal_id)
    expected = personal_id_prefix(parts.birth_province_code, sex, date_of_birth.year)
    if personal_id[:6] != expected:
        found.add(
            loc,
            "personal_id_mismatch",
            f"This personal ID does not match a {sex} person born in {date_of_birth.year}: "
            f"its 4th to 6th digits should be {expected[3:]}. Check the ID and the date of birth.",
        )
