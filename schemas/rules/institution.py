"""A birth declared for an institution caring for the child (a social protection centre or
another): its representative declares as the child's guardian, and the child lives, and is
registered, at the institution's address, not at the representative's own."""

from __future__ import annotations

from schemas.addresses import address_line_key
from schemas.birth import BirthDeclarationFields
from schemas.rules.findings import Findings, RuleContext
from schemas.rules.places import check_commune


def check_institution(
    found: Findings, declaration: BirthDeclarationFields, ctx: RuleContext
) -> None:
    institution = declaration.declarant.institution
    if institution is None:
        return
    if declaration.declarant.relationship != "guardian":
        found.report(("body", "declarant", "institution"), "institution_declarant_not_guardian")
    check_commune(
        found, ("body", "declarant", "institution", "commune_code"), institution.commune_code, ctx
    )
    residence = declaration.residence
    if residence.commune_code != institution.commune_code:
        found.report(
            ("body", "residence", "commune_code"),
            "residence_not_institution_commune",
            institution=institution.name,
            commune_code=institution.commune_code,
        )
    if address_line_key(residence.address_line) != address_line_key(institution.address_line):
        found.report(
            ("body", "residence", "address_line"),
            "residence_not_institution_address",
            institution=institution.name,
            address_line=institution.address_line,
        )
