"""Which declarations need verification, and so the longer time limit from intake.

Decree 63/2024 gives the birth group 5 working days instead of 3 where the facts must be
verified: a birth outside a health facility (no facility attests it), an abandoned child, a
birth by surrogacy, or a parent known only by a passport, whom the population database does not
hold. A corrected dossier is verified too; its limit restarts when the correction arrives.
"""

from __future__ import annotations

from schemas.birth import BirthDeclarationFields


def birth_needs_verification(declaration: BirthDeclarationFields) -> bool:
    born_outside_facility = declaration.child.place_of_birth.facility_name is None
    parent_by_passport = any(
        parent is not None and parent.passport_number is not None
        for parent in (declaration.mother, declaration.father)
    )
    return born_outside_facility or declaration.special_case is not None or parent_by_passport
