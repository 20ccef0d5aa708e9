"""The rules of a birth declaration: the child, the parents, the declarant, the proof of birth."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from messages import Message
from schemas.ages import CHILD_CARD_MONTHS, months_old, years_old
from schemas.birth import BirthDeclarationFields, Parent
from schemas.common import AttachmentBase
from schemas.identifiers import Sex
from schemas.rules.attachments import attachment_kinds, check_attachment_content
from schemas.rules.dates import CHILD_AGE_LIMIT_YEARS, MIN_PARENT_AGE_YEARS, check_past_date
from schemas.rules.delivery import check_contact, check_delivery
from schemas.rules.findings import Findings, RuleContext, RuleViolation
from schemas.rules.identity import check_personal_id_agrees, check_personal_id_prefix
from schemas.rules.institution import check_institution
from schemas.rules.places import check_commune

# A birth outside a health facility rests on any one of these: a witness statement or, where there
# was no witness, the declarant's undertaking is enough.
OUTSIDE_FACILITY_PROOFS = frozenset(
    {"birth_certificate", "witness_statement", "declarant_undertaking"}
)


def _check_parent(
    found: Findings, role: str, parent: Parent, child_birth: date, ctx: RuleContext
) -> None:
    sex: Sex = "female" if role == "mother" else "male"
    mother = role == "mother"
    check_past_date(
        found,
        ("body", role, "date_of_birth"),
        parent.date_of_birth,
        ctx,
        Message.of("what.mother_date_of_birth")
        if mother
        else Message.of("what.father_date_of_birth"),
    )
    if parent.personal_id is not None:
        check_personal_id_agrees(
            found, ("body", role, "personal_id"), parent.personal_id, sex, parent.date_of_birth, ctx
        )
    if years_old(parent.date_of_birth, child_birth) < MIN_PARENT_AGE_YEARS:
        found.report(
            ("body", role, "date_of_birth"),
            "parent_too_young",
            role=Message.of("role.mother") if mother else Message.of("role.father"),
            years=MIN_PARENT_AGE_YEARS,
        )


def _check_special_case(
    found: Findings,
    declaration: BirthDeclarationFields,
    kinds: set[str],
    *,
    born_in_facility: bool,
) -> None:
    if declaration.special_case == "abandoned_child":
        if "abandonment_record" not in kinds:
            found.report(("body", "attachments"), "abandonment_record_missing")
        if declaration.declarant.relationship != "guardian":
            found.report(
                ("body", "declarant", "relationship"), "abandoned_child_declarant_not_guardian"
            )
    elif declaration.special_case == "surrogacy":
        if "surrogacy_proof" not in kinds:
            found.report(("body", "attachments"), "surrogacy_proof_missing")
        # Born in a facility, the ordinary rule already asks for the certificate; elsewhere the
        # certificate still has to name the woman who gave birth.
        if not born_in_facility and "birth_certificate" not in kinds:
            found.report(("body", "attachments"), "surrogacy_birth_certificate_missing")
        # Surrogacy for humanitarian purposes is open to a married couple: both are registered.
        if declaration.father is None:
            found.report(("body", "father"), "surrogacy_father_missing")


def check_birth_declaration(
    declaration: BirthDeclarationFields, attachments: Sequence[AttachmentBase], ctx: RuleContext
) -> list[RuleViolation]:
    found = Findings()
    child, declarant = declaration.child, declaration.declarant

    check_past_date(
        found,
        ("body", "child", "date_of_birth"),
        child.date_of_birth,
        ctx,
        Message.of("what.child_date_of_birth"),
    )
    # Not under 6 by the card's own count: 72 months on Viet Nam's date, so intake and social
    # security never disagree on the same child.
    if months_old(child.date_of_birth, ctx.today) >= CHILD_CARD_MONTHS:
        found.report(
            ("body", "child", "date_of_birth"), "child_too_old", years=CHILD_AGE_LIMIT_YEARS
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

    abandoned = declaration.special_case == "abandoned_child"
    if declaration.mother is not None:
        _check_parent(found, "mother", declaration.mother, child.date_of_birth, ctx)
    elif not abandoned:
        found.report(("body", "mother"), "mother_missing")
    if declaration.father is not None:
        _check_parent(found, "father", declaration.father, child.date_of_birth, ctx)
        if (
            declaration.father.personal_id is not None
            and declaration.mother is not None
            and declaration.father.personal_id == declaration.mother.personal_id
        ):
            found.report(("body", "father", "personal_id"), "parents_same_person")

    check_personal_id_prefix(
        found, ("body", "declarant", "personal_id"), declarant.personal_id, ctx
    )
    if declarant.relationship in ("mother", "father"):
        parent = declaration.mother if declarant.relationship == "mother" else declaration.father
        if parent is None or parent.personal_id != declarant.personal_id:
            found.report(
                ("body", "declarant", "personal_id"),
                "declarant_not_parent",
                relationship=Message.of("role.mother")
                if declarant.relationship == "mother"
                else Message.of("role.father"),
            )
    check_institution(found, declaration, ctx)
    check_contact(found, declarant)
    check_delivery(found, declaration.delivery, ctx)

    # The record of an abandoned child's discovery stands for every proof of the birth itself,
    # and there are no parents to authorise the caretaker who declares it.
    born_in_facility = child.place_of_birth.facility_name is not None
    if born_in_facility and not abandoned and declaration.birth_certificate_number is None:
        found.report(("body", "birth_certificate_number"), "birth_certificate_number_missing")

    kinds = attachment_kinds(attachments)
    if born_in_facility and not abandoned and "birth_certificate" not in kinds:
        found.report(("body", "attachments"), "birth_certificate_missing")
    if not born_in_facility and not abandoned and not kinds & OUTSIDE_FACILITY_PROOFS:
        found.report(("body", "attachments"), "birth_proof_missing")
    if (
        declarant.relationship not in ("mother", "father")
        and not abandoned
        and "authorization" not in kinds
    ):
        found.report(
            ("body", "attachments"),
            "authorization_missing",
            declarant=Message.of("declarant.not_parent"),
        )
    _check_special_case(found, declaration, kinds, born_in_facility=born_in_facility)
    check_attachment_content(found, attachments, ctx)
    return found.items
