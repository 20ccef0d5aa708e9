"""The rules of a birth declaration: the child, the parents, the declarant, the proof of birth."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from schemas.birth import BirthDeclarationFields, Parent
from schemas.common import AttachmentBase
from schemas.identifiers import Sex
from schemas.rules.attachments import attachment_kinds, check_attachment_content
from schemas.rules.dates import (
    CHILD_AGE_LIMIT_YEARS,
    MIN_PARENT_AGE_YEARS,
    check_past_date,
    years_between,
)
from schemas.rules.delivery import check_contact, check_delivery
from schemas.rules.findings import Findings, RuleContext, RuleViolation
from schemas.rules.identity import check_personal_id_agrees, check_personal_id_prefix
from schemas.rules.places import check_commune


def _check_parent(
    found: Findings, role: str, parent: Parent, child_birth: date, ctx: RuleContext
) -> None:
    sex: Sex = "female" if role == "mother" else "male"
    check_past_date(
        found, ("body", role, "date_of_birth"), parent.date_of_birth, ctx, f"{role}'s date of birth"
    )
    if parent.personal_id is not None:
        check_personal_id_agrees(
            found, ("body", role, "personal_id"), parent.personal_id, sex, parent.date_of_birth, ctx
        )
    if years_between(parent.date_of_birth, child_birth) < MIN_PARENT_AGE_YEARS:
        found.add(
            ("body", role, "date_of_birth"),
            "parent_too_young",
            f"The {role} must have been at least {MIN_PARENT_AGE_YEARS} years old at the "
            "child's birth; check both dates of birth.",
        )


def check_birth_declaration(
    declaration: BirthDeclarationFields, attachments: Sequence[AttachmentBase], ctx: RuleContext
) -> list[RuleViolation]:
    found = Findings()
    child, declarant = declaration.child, declaration.declarant

    check_past_date(
        found, ("body", "child", "date_of_birth"), child.date_of_birth, ctx, "child's date of birth"
    )
    if years_between(child.date_of_birth, ctx.today) >= CHILD_AGE_LIMIT_YEARS:
        found.add(
            ("body", "child", "date_of_birth"),
            "child_too_old",
            "This joint procedure is for children under 6; register an older child's birth "
            "at the commune office.",
        )
    check_commune(
        found,
        ("body", "child", "place_of_birth", "commune_code"),
        child.place_of_birth.commune_code,
        ctx,
    )
    check_commune(
        found, ("body", "residence", "commune_code"), declaration.residence.commune_code, ctx
    )

    _check_parent(found, "mother", declaration.mother, child.date_of_birth, ctx)
    if declaration.father is not None:
        _check_parent(found, "father", declaration.father, child.date_of_birth, ctx)
        if (
            declaration.father.personal_id is not None
            and declaration.father.personal_id == declaration.mother.personal_id
        ):
            found.add(
                ("body", "father", "personal_id"),
                "parents_same_person",
                "The mother and the father cannot have the same personal ID.",
            )

    check_personal_id_prefix(
        found, ("body", "declarant", "personal_id"), declarant.personal_id, ctx
    )
    if declarant.relationship in ("mother", "father"):
        parent = declaration.mother if declarant.relationship == "mother" else declaration.father
        if parent is None or parent.personal_id != declarant.personal_id:
            found.add(
                ("body", "declarant", "personal_id"),
                "declarant_not_parent",
                f"The declarant says they are the {declarant.relationship}, but their personal ID "
                f"is not the {declarant.relationship}'s; correct the ID or the relationship.",
            )
    check_contact(found, declarant.phone, declarant.email)
    check_delivery(found, declaration.delivery, declarant.email, ctx)

    born_in_facility = child.place_of_birth.facility_name is not None
    if born_in_facility and declaration.birth_certificate_number is None:
        found.add(
            ("body", "birth_certificate_number"),
            "birth_certificate_number_missing",
            "A child born in a health facility has a birth certificate; give its number.",
        )

    kinds = attachment_kinds(attachments)
    if born_in_facility and "birth_certificate" not in kinds:
        found.add(
            ("body", "attachments"),
            "birth_certificate_missing",
            "Attach the birth certificate (giấy chứng sinh) issued by the health facility.",
        )
    if not born_in_facility and not kinds & {
        "birth_certificate",
        "witness_statement",
        "declarant_undertaking",
    }:
        found.add(
            ("body", "attachments"),
            "birth_proof_missing",
            "For a birth outside a health facility, attach a birth certificate, a witness "
            "statement, or your written undertaking.",
        )
    if declarant.relationship not in ("mother", "father") and "authorization" not in kinds:
        found.add(
            ("body", "attachments"),
            "authorization_missing",
            "A declarant who is not a parent must attach the parents' authorisation letter.",
        )
    check_attachment_content(found, attachments, ctx)
    return found.items
