"""The kinds of signed electronic result a declaration's documents list holds: one for each
procedure's approved record, issued by the procedure's agency."""

from __future__ import annotations

from typing import Literal

from schemas.common import PROCEDURE_AGENCY, Agency, Procedure

DocumentKind = Literal[
    "birth_extract",
    "death_extract",
    "residence_confirmation",
    "residence_removal_confirmation",
    "health_insurance_card",
    "funeral_allowance_decision",
    "survivor_benefit_decision",
]

DOCUMENT_KINDS: dict[Procedure, DocumentKind] = {
    Procedure.BIRTH_REGISTRATION: "birth_extract",
    Procedure.DEATH_REGISTRATION: "death_extract",
    Procedure.RESIDENCE_REGISTRATION: "residence_confirmation",
    Procedure.RESIDENCE_REMOVAL: "residence_removal_confirmation",
    Procedure.HEALTH_INSURANCE_CARD: "health_insurance_card",
    Procedure.FUNERAL_ALLOWANCE: "funeral_allowance_decision",
    Procedure.SURVIVOR_BENEFIT: "survivor_benefit_decision",
}
PROCEDURE_OF_KIND: dict[DocumentKind, Procedure] = {k: p for p, k in DOCUMENT_KINDS.items()}


def issuer_of_kind(kind: DocumentKind) -> Agency:
    """The only agency that may issue this kind of document."""
    return PROCEDURE_AGENCY[PROCEDURE_OF_KIND[kind]]
