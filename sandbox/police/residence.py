"""The police's rules for registering and removing a permanent residence."""

from __future__ import annotations

from sqlmodel import Session

from sandbox.casebook.clock import today_in_viet_nam
from sandbox.casebook.decisions import (
    Approved,
    CaseAtHand,
    Decision,
    Rejected,
    SupplementNeeded,
)
from sandbox.casebook.numbering import register_number
from sandbox.places import commune_unknown_text, province_of
from sandbox.police.requests import ResidenceRegistrationIn, ResidenceRemovalIn
from sandbox.police.tables import RegistryPerson, ResidenceEvent

# The agency writes in Vietnamese; its reason codes stay in English.
_ROLE_VI = {
    "mother": "Người mẹ",
    "father": "Người cha",
    "declarant": "Người đi khai",
    "caretaker": "Người nuôi dưỡng",
}


def _check_registered_person(
    session: Session, role: str, personal_id: str | None
) -> Rejected | None:
    if personal_id is None:
        return None
    person = session.get(RegistryPerson, personal_id)
    if person is None:
        return Rejected(
            f"{role}_not_in_registry",
            f"Số định danh cá nhân của {_ROLE_VI[role].lower()} không có trong "
            "Cơ sở dữ liệu quốc gia về dân cư.",
        )
    if person.status != "alive":
        return Rejected(
            f"{role}_deceased",
            f"{_ROLE_VI[role]} đã được ghi nhận là đã chết trong Cơ sở dữ liệu quốc gia về dân cư.",
        )
    return None


def _check_caretaker(
    at_hand: CaseAtHand, body: ResidenceRegistrationIn
) -> Rejected | SupplementNeeded | None:
    """An abandoned child is registered at the residence of the person caring for it."""
    if body.caretaker_personal_id is None:
        return None
    problem = _check_registered_person(at_hand.session, "caretaker", body.caretaker_personal_id)
    if problem is not None:
        return problem
    caretaker = at_hand.session.get(RegistryPerson, body.caretaker_personal_id)
    if caretaker is not None and caretaker.commune_code == body.residence.commune_code:
        return None
    if at_hand.may_request_supplement:
        return SupplementNeeded(
            fields=["residence.commune_code", "residence.address_line"],
            documents=[],
            message="Trẻ bị bỏ rơi được đăng ký thường trú tại nơi cư trú của người đang nuôi "
            "dưỡng: vui lòng khai địa chỉ thường trú của người nuôi dưỡng.",
        )
    return Rejected(
        "residence_not_caretakers",
        "Trẻ bị bỏ rơi được đăng ký thường trú tại nơi cư trú của người đang nuôi dưỡng, "
        "nhưng nơi thường trú đã khai thuộc xã, phường khác.",
    )


def decide_registration(at_hand: CaseAtHand, body: ResidenceRegistrationIn) -> Decision:
    session = at_hand.session
    commune = body.residence.commune_code
    # Any official commune: the population registry is national, and a family may live where
    # none of the dataset's people do.
    if province_of(commune) is None:
        return Rejected("commune_unknown", commune_unknown_text(commune))
    for role, pid in (("mother", body.mother_personal_id), ("father", body.father_personal_id)):
        problem = _check_registered_person(session, role, pid)
        if problem is not None:
            return problem
    caretaker_problem = _check_caretaker(at_hand, body)
    if caretaker_problem is not None:
        return caretaker_problem
    if session.get(RegistryPerson, body.personal_id) is not None:
        return Rejected("already_registered", "Người này đã có đăng ký thường trú.")
    today = today_in_viet_nam()
    number = register_number(session, "TT", "reg", commune, today)
    session.add(
        RegistryPerson(
            personal_id=body.personal_id,
            full_name=body.full_name,
            sex=body.sex,
            date_of_birth=body.date_of_birth,
            commune_code=commune,
            address_line=body.residence.address_line,
            mother_id=body.mother_personal_id,
            father_id=body.father_personal_id,
        )
    )
    session.add(
        ResidenceEvent(
            record_number=number,
            kind="registration",
            personal_id=body.personal_id,
            commune_code=commune,
            recorded_on=today,
        )
    )
    return Approved(
        {
            "residence_registration_number": number,
            "commune_code": commune,
            "registered_on": today.isoformat(),
        }
    )


def decide_removal(at_hand: CaseAtHand, body: ResidenceRemovalIn) -> Decision:
    session = at_hand.session
    person = session.get(RegistryPerson, body.personal_id)
    if person is None:
        return Rejected(
            "person_unknown",
            "Số định danh cá nhân này không có trong Cơ sở dữ liệu quốc gia về dân cư.",
        )
    if person.status == "deceased":
        return Rejected(
            "already_deceased",
            "Người này đã được ghi nhận là đã chết và đã được xóa đăng ký thường trú.",
        )
    today = today_in_viet_nam()
    commune = person.commune_code or "00000"
    number = register_number(session, "XTT", "rem", commune, today)
    person.status = "deceased"
    person.date_of_death = body.date_of_death
    session.add(person)
    session.add(
        ResidenceEvent(
            record_number=number,
            kind="removal",
            personal_id=body.personal_id,
            commune_code=commune,
            recorded_on=today,
        )
    )
    return Approved(
        {
            "residence_removal_number": number,
            "commune_code": commune,
            "removed_on": today.isoformat(),
        }
    )
