"""Addresses, checked against Viet Nam's administrative units."""

from __future__ import annotations

from schemas.rules.findings import Findings, Loc, RuleContext


def check_commune(found: Findings, loc: Loc, code: str, ctx: RuleContext) -> None:
    if not ctx.admin_units.has_commune(code):
        found.report(loc, "commune_unknown", code=code)
