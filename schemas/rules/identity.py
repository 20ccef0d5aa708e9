"""Personal IDs checked against the province codes and against who the person is said to be."""

from __future__ import annotations

from datetime import date

from messages import Message
from schemas.identifiers import Sex, parse_personal_id, personal_id_prefix
from schemas.rules.findings import Findings, Loc, RuleContext


def check_personal_id_prefix(found: Findings, loc: Loc, personal_id: str, ctx: RuleContext) -> None:
    parts = parse_personal_id(personal_id)
    if parts.birth_province_code not in ctx.admin_units.birth_province_codes:
        found.report(loc, "personal_id_province", prefix=parts.birth_province_code)
    elif parts.birth_year > ctx.today.year:
        found.report(loc, "personal_id_year")


def check_personal_id_agrees(
    found: Findings, loc: Loc, personal_id: str, sex: Sex, date_of_birth: date, ctx: RuleContext
) -> None:
    """The ID's province and year are plausible, and its prefix encodes this sex and year."""
    check_personal_id_prefix(found, loc, personal_id, ctx)
    parts = parse_personal_id(personal_id)
    expected = personal_id_prefix(parts.birth_province_code, sex, date_of_birth.year)
    if personal_id[:6] != expected:
        found.report(
            loc,
            "personal_id_mismatch",
            sex=Message.of("sex.female") if sex == "female" else Message.of("sex.male"),
            year=str(date_of_birth.year),
            digits=expected[3:],
        )
