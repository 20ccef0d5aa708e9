"""The justice office's rules for registering a birth."""

from __future__ import annotations

from sqlmodel import Session, select

from sandbox.casebook.clock import today_in_viet_nam
from sandbox.casebook.decisions import (
    Approved,
    CaseAtHand,
    Decision,
    Rejected,
    SupplementNeeded,
)
from sandbox.casebook.numbering import register_number
from sandbox.justice.registers import birth_province_code, death_record_of, new_personal_id
from sandbox.justice.requests import BirthRegistrationIn, ParentIn
from sandbox.justice.tables import BirthRecord, MultipleBirth
from sandbox.places import commune_unknown_text
from schemas.names import same_name
from schemas.parenthood import PATERNITY_AFTER_DEATH_DAYS, ParentRole, parent_death_conflict

# A child registered without a birth order is its mother's first of the day.
FIRST_BIRTH = 1

# For a birth outside a health facility any one of these proves it: a witness statement or,
# where there was no witness, the declarant's undertaking is as good as a certificate.
OUTSIDE_FACILITY_PROOFS = frozenset(
    {"birth_certificate", "witness_statement", "declarant_undertaking"}
)


def birth_subject(body: BirthRegistrationIn) -> str | None:
    """Whom a birth case is filed under: the mother, or the caretaker of an abandoned child."""
    if body.mother is not None:
        return body.mother.personal_id
    return body.declarant_personal_id


def _family_key(body: BirthRegistrationIn) -> str:
    """The mother's identity, or for an abandoned child its caretaker's: births under one key
    on one date are one family's, where a repeat of the same child is a duplicate."""
    if body.mother is not None:
        return body.mother.personal_id or body.mother.passport_number or ""
    return body.declarant_personal_id


def _missing_proof(body: BirthRegistrationIn) -> SupplementNeeded | None:
    kinds = {a.kind for a in body.attachments}
    if body.special_case == "abandoned_child":
        if "abandonment_record" not in kinds:
            return SupplementNeeded(
                fields=[],
                documents=["abandonment_record"],
                message="Khai sinh cho trẻ bị bỏ rơi dựa trên biên bản xác nhận trẻ bị bỏ rơi: "
                "vui lòng đính kèm biên bản này.",
            )
        return None
    if body.special_case == "surrogacy":
        missing = [k for k in ("birth_certificate", "surrogacy_proof") if k not in kinds]
        if missing:
            return SupplementNeeded(
                fields=[],
                documents=missing,
                message="Khai sinh cho trẻ sinh ra nhờ mang thai hộ dựa trên giấy chứng sinh "
                "cùng văn bản xác nhận mang thai hộ: vui lòng đính kèm giấy tờ còn thiếu.",
            )
        return None
    if body.birth_facility_name is None and not kinds & OUTSIDE_FACILITY_PROOFS:
        return SupplementNeeded(
            fields=[],
            documents=["witness_statement", "declarant_undertaking"],
            message="Trẻ sinh ngoài cơ sở y tế: vui lòng đính kèm văn bản xác nhận của người "
            "làm chứng hoặc, nếu không có người làm chứng, văn bản cam đoan của người đi khai.",
        )
    return None


def _earlier_registration(session: Session, body: BirthRegistrationIn) -> BirthRecord | None:
    """The same child registered before. A child with a mother is her child born on its date in
    its place among the children born that day (its birth order; none is the first): twins
    differ by it, and a name, which may be spelt many ways, is no part of it. A foundling has no
    mother: the same caretaker's child of the same name (in either tone placement, form, case
    or spacing) and date of birth is the same child."""
    born_that_day = session.exec(
        select(BirthRecord).where(
            BirthRecord.mother_key == _family_key(body),
            BirthRecord.child_date_of_birth == body.child_date_of_birth,
        )
    ).all()
    order = body.child_birth_order or FIRST_BIRTH
    for record in born_that_day:
        if body.mother is None and not same_name(record.child_full_name, body.child_full_name):
            continue
        multiple = session.get(MultipleBirth, record.civil_status_record_number)
        if (multiple.birth_order if multiple is not None else FIRST_BIRTH) == order:
            return record
    return None


# Why a parent's recorded death does not fit the birth, in the office's words: the agency writes
# in Vietnamese, its reason codes stay in English.
_DEATH_TOO_EARLY_VI: dict[ParentRole, str] = {
    "mother": "Người mẹ đã chết ngày {died} (trích lục khai tử {record}), trước ngày sinh của "
    "trẻ đã khai, nên không thể là người đã sinh ra trẻ.",
    "father": "Người cha đã chết ngày {died} (trích lục khai tử {record}), hơn "
    f"{PATERNITY_AFTER_DEATH_DAYS} ngày trước ngày sinh của trẻ, nên không được xác định là cha "
    "của trẻ (Luật Hôn nhân và gia đình, Điều 88).",
}


def _parent_death_problem(session: Session, body: BirthRegistrationIn) -> Rejected | None:
    """A parent who died is still named on the birth record (a father who died during the
    pregnancy, a mother who died in childbirth); only a death too early to fit the birth
    refuses it."""
    parents: tuple[tuple[ParentRole, ParentIn | None], ...] = (
        ("mother", body.mother),
        ("father", body.father),
    )
    for role, parent in parents:
        death = death_record_of(session, parent.personal_id if parent else None)
        if death is None:
            continue
        conflict = parent_death_conflict(role, death.date_of_death, body.child_date_of_birth)
        if conflict is not None:
            return Rejected(
                conflict,
                _DEATH_TOO_EARLY_VI[role].format(
                    died=death.date_of_death.strftime("%d/%m/%Y"),
                    record=death.death_record_number,
                ),
            )
    return None


def decide_birth(at_hand: CaseAtHand, body: BirthRegistrationIn) -> Decision:
    session = at_hand.session
    province_code = birth_province_code(at_hand.dataset, body.birth_commune_code)
    if province_code is None:
        return Rejected(
            "commune_unknown",
            commune_unknown_text(body.birth_commune_code),
        )
    declarant_death = death_record_of(session, body.declarant_personal_id)
    if declarant_death is not None:
        return Rejected(
            "declarant_deceased",
            "Người đi khai đã được ghi nhận là đã chết (trích lục khai tử "
            f"{declarant_death.death_record_number}) nên không thể đi khai sinh.",
        )
    parent_problem = _parent_death_problem(session, body)
    if parent_problem is not None:
        return parent_problem
    if body.mother is None and body.special_case != "abandoned_child":
        return Rejected(
            "mother_missing",
            "Chỉ trẻ bị bỏ rơi mới được đăng ký khai sinh khi không có thông tin của người mẹ.",
        )
    missing_proof = _missing_proof(body)
    if at_hand.may_request_supplement and missing_proof is not None:
        return missing_proof
    duplicate = _earlier_registration(session, body)
    if duplicate is not None:
        return Rejected(
            "birth_already_registered",
            "Trẻ này đã được đăng ký khai sinh theo trích lục hộ tịch "
            f"{duplicate.civil_status_record_number}; không thể đăng ký khai sinh hai lần.",
        )
    today = today_in_viet_nam()
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
            mother_key=_family_key(body),
            commune_code=body.birth_commune_code,
            registered_on=today,
        )
    )
    if body.child_birth_order is not None:
        session.add(
            MultipleBirth(
                civil_status_record_number=record_number, birth_order=body.child_birth_order
            )
        )
    return Approved(
        {
            "civil_status_record_number": record_number,
            "child_personal_id": child_id,
            "registered_on": today.isoformat(),
            # The parents the record names, a parent who died before the birth among them.
            "mother_full_name": body.mother.full_name if body.mother else None,
            "father_full_name": body.father.full_name if body.father else None,
        }
    )
