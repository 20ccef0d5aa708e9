"""The rules a declaration must satisfy before any agency sees it.

They need today's date, the administrative units and the intake limits, so they run at the edge
(the portal, and again when a citizen supplements a declaration), never inside a workflow. Each
failure names its field and says, in a sentence, what the citizen should do.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from reference_data.admin_units import AdminUnitCatalogue
from schemas.birth import BirthDeclarationFields, Parent
from schemas.common import AttachmentBase, AttachmentUpload, Delivery, Procedure
from schemas.death import CLOSE_RELATIVES, MANDATORY_DEATH_PROCEDURES, DeathDeclarationFields
from schemas.identifiers import Sex, parse_personal_id, personal_id_prefix

Loc = tuple[str | int, ...]

CHILD_AGE_LIMIT_YEARS = 6
MIN_PARENT_AGE_YEARS = 12
LATE_DEATH_DECLARATION_DAYS = 15


@dataclass(frozen=True)
class RuleViolation:
    loc: Loc
    msg: str
    type: str


@dataclass(frozen=True)
class RuleContext:
    today: date
    admin_units: AdminUnitCatalogue
    attachment_max_bytes: int
    max_attachments: int


class _Findings:
    def __init__(self) -> None:
        self.items: list[RuleViolation] = []

    def add(self, loc: Loc, kind: str, message: str) -> None:
        self.items.append(RuleViolation(loc=loc, msg=message, type=kind))


def years_between(earlier: date, later: date) -> int:
    """Whole years from `earlier` to `later` (a person's age on `later`)."""
    had_birthday = (later.month, later.day) >= (earlier.month, earlier.day)
    return later.year - earlier.year - (0 if had_birthday else 1)


def is_late_death_declaration(date_of_death: date, received_on: date) -> bool:
    return (received_on - date_of_death).days > LATE_DEATH_DECLARATION_DAYS


# --- shared checks ---------------------------------------------------------------------------


def _check_personal_id_prefix(
    found: _Findings, loc: Loc, personal_id: str, ctx: RuleContext
) -> None:
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


def _check_personal_id_agrees(
    found: _Findings, loc: Loc, personal_id: str, sex: Sex, date_of_birth: date, ctx: RuleContext
) -> None:
    _check_personal_id_prefix(found, loc, personal_id, ctx)
    parts = parse_personal_id(personal_id)
    expected = personal_id_prefix(parts.birth_province_code, sex, date_of_birth.year)
    if personal_id[:6] != expected:
        found.add(
            loc,
            "personal_id_mismatch",
            f"This personal ID does not match a {sex} person born in {date_of_birth.year}: "
            f"its 4th to 6th digits should be {expected[3:]}. Check the ID and the date of birth.",
        )


def _check_past_date(found: _Findings, loc: Loc, day: date, ctx: RuleContext, what: str) -> None:
    if day > ctx.today:
        found.add(loc, "date_in_future", f"The {what} cannot be in the future.")


def _check_commune(found: _Findings, loc: Loc, code: str, ctx: RuleContext) -> None:
    if not ctx.admin_units.has_commune(code):
        found.add(
            loc,
            "commune_unknown",
            f"There is no commune with code {code}; choose the commune from the official list.",
        )


def _check_contact(found: _Findings, phone: str | None, email: str | None) -> None:
    if phone is None and email is None:
        found.add(
            ("body", "declarant", "phone"),
            "contact_missing",
            "Give a phone number or an email address so the agencies can reach you.",
        )


def _check_delivery(
    found: _Findings, delivery: Delivery, declarant_email: str | None, ctx: RuleContext
) -> None:
    loc: Loc = ("body", "delivery")
    if delivery.method == "pickup" and delivery.pickup_agency is None:
        found.add(
            (*loc, "pickup_agency"),
            "pickup_agency_missing",
            "Choose the agency where you will pick up the results: justice, police or "
            "social_security.",
        )
    if delivery.method == "post":
        if delivery.postal_address is None:
            found.add(
                (*loc, "postal_address"),
                "postal_address_missing",
                "Give the postal address the results should be sent to.",
            )
        else:
            _check_commune(
                found,
                (*loc, "postal_address", "commune_code"),
                delivery.postal_address.commune_code,
                ctx,
            )
    if delivery.method == "electronic" and declarant_email is None:
        found.add(
            ("body", "declarant", "email"),
            "email_missing",
            "Electronic delivery needs the declarant's email address.",
        )


def _check_attachment_content(
    found: _Findings, attachments: Sequence[AttachmentBase], ctx: RuleContext
) -> None:
    if len(attachments) > ctx.max_attachments:
        found.add(
            ("body", "attachments"),
            "too_many_attachments",
            f"Attach at most {ctx.max_attachments} documents.",
        )
    for index, attachment in enumerate(attachments):
        if not isinstance(attachment, AttachmentUpload):
            continue
        loc: Loc = ("body", "attachments", index)
        try:
            content = base64.b64decode(attachment.content_base64, validate=True)
        except (binascii.Error, ValueError):
            found.add(
                (*loc, "content_base64"),
                "content_not_base64",
                "The document's content is not valid base64; upload the file again.",
            )
            continue
        if len(content) > ctx.attachment_max_bytes:
            found.add(
                (*loc, "content_base64"),
                "attachment_too_large",
                f"This document is larger than {ctx.attachment_max_bytes // (1024 * 1024)} MB; "
                "upload a smaller scan.",
            )
        if hashlib.sha256(content).hexdigest() != attachment.sha256:
            found.add(
                (*loc, "sha256"),
                "sha256_mismatch",
                "The document's checksum does not match its content; it may have been damaged "
                "in transit. Upload it again.",
            )


def _attachment_kinds(attachments: Iterable[AttachmentBase]) -> set[str]:
    return {a.kind for a in attachments}


# --- birth -----------------------------------------------------------------------------------


def _check_parent(
    found: _Findings, role: str, parent: Parent, child_birth: date, ctx: RuleContext
) -> None:
    sex: Sex = "female" if role == "mother" else "male"
    _check_past_date(
        found, ("body", role, "date_of_birth"), parent.date_of_birth, ctx, f"{role}'s date of birth"
    )
    if parent.personal_id is not None:
        _check_personal_id_agrees(
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
    found = _Findings()
    child, declarant = declaration.child, declaration.declarant

    _check_past_date(
        found, ("body", "child", "date_of_birth"), child.date_of_birth, ctx, "child's date of birth"
    )
    if years_between(child.date_of_birth, ctx.today) >= CHILD_AGE_LIMIT_YEARS:
        found.add(
            ("body", "child", "date_of_birth"),
            "child_too_old",
            "This joint procedure is for children under 6; register an older child's birth "
            "at the commune office.",
        )
    _check_commune(
        found,
        ("body", "child", "place_of_birth", "commune_code"),
        child.place_of_birth.commune_code,
        ctx,
    )
    _check_commune(
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

    _check_personal_id_prefix(
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
    _check_contact(found, declarant.phone, declarant.email)
    _check_delivery(found, declaration.delivery, declarant.email, ctx)

    born_in_facility = child.place_of_birth.facility_name is not None
    if born_in_facility and declaration.birth_certificate_number is None:
        found.add(
            ("body", "birth_certificate_number"),
            "birth_certificate_number_missing",
            "A child born in a health facility has a birth certificate; give its number.",
        )

    kinds = _attachment_kinds(attachments)
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
    _check_attachment_content(found, attachments, ctx)
    return found.items


# --- death -----------------------------------------------------------------------------------


def check_death_declaration(
    declaration: DeathDeclarationFields, attachments: Sequence[AttachmentBase], ctx: RuleContext
) -> list[RuleViolation]:
    found = _Findings()
    deceased, declarant = declaration.deceased, declaration.declarant
    chosen = set(declaration.procedures)

    for mandatory in MANDATORY_DEATH_PROCEDURES:
        if mandatory.value not in chosen:
            found.add(
                ("body", "procedures"),
                "procedure_missing",
                f"The procedures always include {mandatory.value}.",
            )
    if len(chosen) != len(declaration.procedures):
        found.add(("body", "procedures"), "procedure_repeated", "List each procedure once.")

    wants_survivor = Procedure.SURVIVOR_BENEFIT.value in chosen
    wants_benefit = wants_survivor or Procedure.FUNERAL_ALLOWANCE.value in chosen
    if wants_survivor and declaration.survivor_benefit is None:
        found.add(
            ("body", "survivor_benefit"),
            "survivor_benefit_missing",
            "You chose the survivor benefit: say which form (lump sum or monthly) and who "
            "the beneficiaries are.",
        )
    if not wants_survivor and declaration.survivor_benefit is not None:
        found.add(
            ("body", "survivor_benefit"),
            "survivor_benefit_unexpected",
            "Survivor benefit details were given, but the survivor benefit was not chosen "
            "in the procedures.",
        )
    if wants_benefit and declaration.payment is None:
        found.add(
            ("body", "payment"),
            "payment_missing",
            "A benefit was chosen: say how it should be paid (bank, post or cash).",
        )
    if not wants_benefit and declaration.payment is not None:
        found.add(
            ("body", "payment"),
            "payment_unexpected",
            "Payment details were given, but no benefit was chosen in the procedures.",
        )
    if (
        declaration.payment is not None
        and declaration.payment.method == "bank"
        and declaration.payment.bank_account is None
    ):
        found.add(
            ("body", "payment", "bank_account"),
            "bank_account_missing",
            "Payment by bank needs the bank code, account number and account holder.",
        )

    _check_past_date(
        found, ("body", "deceased", "date_of_death"), deceased.date_of_death, ctx, "date of death"
    )
    if deceased.date_of_birth >= deceased.date_of_death:
        found.add(
            ("body", "deceased", "date_of_birth"),
            "born_after_death",
            "The date of birth must be before the date of death.",
        )
    _check_personal_id_agrees(
        found,
        ("body", "deceased", "personal_id"),
        deceased.personal_id,
        deceased.sex,
        deceased.date_of_birth,
        ctx,
    )
    _check_commune(
        found,
        ("body", "deceased", "place_of_death", "commune_code"),
        deceased.place_of_death.commune_code,
        ctx,
    )

    _check_personal_id_prefix(
        found, ("body", "declarant", "personal_id"), declarant.personal_id, ctx
    )
    if declarant.personal_id == deceased.personal_id:
        found.add(
            ("body", "declarant", "personal_id"),
            "declarant_is_deceased",
            "The declarant cannot be the deceased person; give the declarant's own ID.",
        )
    _check_contact(found, declarant.phone, declarant.email)
    _check_delivery(found, declaration.delivery, declarant.email, ctx)

    if declaration.survivor_benefit is not None:
        seen: set[str] = set()
        for index, person in enumerate(declaration.survivor_benefit.beneficiaries):
            loc: Loc = ("body", "survivor_benefit", "beneficiaries", index)
            if person.personal_id == deceased.personal_id:
                found.add(
                    (*loc, "personal_id"),
                    "beneficiary_is_deceased",
                    "The deceased cannot be their own beneficiary.",
                )
            if person.personal_id in seen:
                found.add(
                    (*loc, "personal_id"),
                    "beneficiary_repeated",
                    "Each beneficiary is listed once.",
                )
            seen.add(person.personal_id)
            _check_past_date(
                found,
                (*loc, "date_of_birth"),
                person.date_of_birth,
                ctx,
                "beneficiary's date of birth",
            )
            _check_personal_id_prefix(found, (*loc, "personal_id"), person.personal_id, ctx)

    kinds = _attachment_kinds(attachments)
    if not kinds & {"death_notice", "death_notice_replacement"}:
        found.add(
            ("body", "attachments"),
            "death_notice_missing",
            "Attach the death notice (giấy báo tử) or a document that replaces it.",
        )
    if declarant.relationship not in CLOSE_RELATIVES and "authorization" not in kinds:
        found.add(
            ("body", "attachments"),
            "authorization_missing",
            "A declarant who is not a close relative (spouse, child, parent or sibling) "
            "must attach the family's authorisation letter.",
        )
    _check_attachment_content(found, attachments, ctx)
    return found.items
