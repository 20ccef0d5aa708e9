"""The justice office's rules for registering a birth."""

from __future__ import annotations

from sqlmodel import select

from sandbox.casebook.clock import now_utc
from sandbox.casebook.decisions import (
    Approved,
    CaseAtHand,
    Decision,
    Rejected,
    SupplementNeeded,
)
from sandbox.casebook.numbering import register_number
from sandbox.justice.registers import birth_province_code, death_record_of, new_personal_id
from sandbox.justice.requests import BirthRegistrationIn
from sandbox.justice.tables import BirthRecord

BIRTH_PROOFS = frozenset({"birth_certificate", "witness_statement"})


def decide_birth(at_hand: CaseAtHand, body: BirthRegistrationIn) -> Decision:
    session = at_hand.session
    province_code = birth_province_code(at_hand.dataset, body.birth_commune_code)
    if province_code is None:
        return Rejected(
            "commune_unknown",
            f"Commune {body.birth_commune_code} is not in the civil-status register.",
        )
    for role, pid in (
        ("mother", body.mother.personal_id),
        ("father", body.father.personal_id if body.father else None),
        ("declarant", body.declarant_personal_id),
    ):
        death = death_record_of(session, pid)
        if death is not None:
            return Rejected(
                f"{role}_deceased",
                f"The {role} is recorded as deceased (death record "
                f"{death.death_record_number}) and cannot appear on a new birth declaration.",
            )
    kinds = {a.kind for a in body.attachments}
    if (
        at_hand.may_request_supplement
        and body.birth_facility_name is None
        and not kinds & BIRTH_PROOFS
    ):
        return SupplementNeeded(
            fields=[],
            documents=["witness_statement"],
            message="The birth took place outside a health facility and rests on the "
            "declarant's undertaking alone: attach a witness statement.",
        )
    mother_key = body.mother.personal_id or body.mother.passport_number or ""
    duplicate = session.exec(
        select(BirthRecord).where(
            BirthRecord.mother_key == mother_key,
            BirthRecord.child_full_name == body.child_full_name,
            BirthRecord.child_date_of_birth == body.child_date_of_birth,
        )
    ).first()
    if duplicate is not None:
        return Rejected(
            "already_registered",
            "This birth is already registered under civil-status record "
            f"{duplicate.civil_status_record_number}.",
        )
    today = now_utc().date()
    record_number = register_number(session, "KS", "birth", body.birth_commune_code, today)
    child_id = new_personal_id(
        session, province_code, body.child_sex, body.child_date_of_birth.year
    )
    session.add(
        BirthRecord(
            civil_status_record_number=record_number,
            child_personal_id=child_id,
            child_full_name=body.child_full_name,
            child_date_of_birth=body.child_date_of_birth,
            mother_key=mother_key,
            commune_code=body.birth_commune_code,
            registered_on=today,
        )
    )
    return Approved(
        {
            "civil_status_record_number": record_number,
            "child_personal_id": child_id,
            "registered_on": today.isoformat(),
        }
    )
