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
from schemas.addresses import same_address
from schemas.parenthood import PATERNITY_AFTER_DEATH_DAYS, ParentRole, parent_death_conflict

# The agency writes in Vietnamese; its reason codes stay in English.
_ROLE_VI = {
    "mother": "Người mẹ",
    "father": "Người cha",
    "caretaker": "Người giám hộ",
}

# Why a parent's recorded death does not fit the birth, in the agency's words.
_DEATH_TOO_EARLY_VI: dict[ParentRole, str] = {
    "mother": "Người mẹ đã được ghi nhận là đã chết trước ngày sinh của trẻ trong Cơ sở dữ liệu "
    "quốc gia về dân cư.",
    "father": "Người cha đã được ghi nhận là đã chết hơn "
    f"{PATERNITY_AFTER_DEATH_DAYS} ngày trước ngày sinh của trẻ trong Cơ sở dữ liệu quốc gia về "
    "dân cư, nên không được xác định là cha của trẻ.",
}


def _registered(session: Session, role: str, personal_id: str) -> RegistryPerson | Rejected:
    person = session.get(RegistryPerson, personal_id)
    if person is None:
        return Rejected(
            f"{role}_not_in_registry",
            f"Số định danh cá nhân của {_ROLE_VI[role].lower()} không có trong "
            "Cơ sở dữ liệu quốc gia về dân cư.",
        )
    return person


def _parents(session: Session, body: ResidenceRegistrationIn) -> list[RegistryPerson] | Rejected:
    """The parents named, as the registry holds them. A parent who died is still the child's (a
    father who died during the pregnancy, a mother who died in childbirth): only a death too
    early to fit the birth refuses the registration."""
    named: tuple[tuple[ParentRole, str | None], ...] = (
        ("mother", body.mother_personal_id),
        ("father", body.father_personal_id),
    )
    parents: list[RegistryPerson] = []
    for role, personal_id in named:
        if personal_id is None:
            continue
        person = _registered(session, role, personal_id)
        if isinstance(person, Rejected):
            return person
        if person.status != "alive" and person.date_of_death is not None:
            conflict = parent_death_conflict(role, person.date_of_death, body.date_of_birth)
            if conflict is not None:
                return Rejected(conflict, _DEATH_TOO_EARLY_VI[role])
        parents.append(person)
    return parents


def _elsewhere(at_hand: CaseAtHand, code: str, rule: str) -> Rejected | SupplementNeeded:
    """A residence declared elsewhere than where the child lives: back to the family while it
    may still be corrected, refused after."""
    if at_hand.may_request_supplement:
        return SupplementNeeded(
            fields=["residence.commune_code", "residence.address_line"],
            documents=[],
            message=f"{rule}: vui lòng khai lại địa chỉ thường trú của trẻ.",
        )
    return Rejected(code, f"{rule}, nhưng nơi thường trú đã khai ở địa chỉ khác.")


def _check_household(
    at_hand: CaseAtHand, body: ResidenceRegistrationIn, parents: list[RegistryPerson]
) -> Rejected | SupplementNeeded | None:
    """Where the child lives: at the institution caring for it; otherwise with a living parent,
    at the residence the family declares, as for any birth; or, with no living parent named, at
    the residence of the guardian who declared (an abandoned child, or one whose parents both
    died)."""
    residence = body.residence
    institution = body.institution
    if institution is not None:
        if same_address(
            residence.commune_code,
            residence.address_line,
            institution.commune_code,
            institution.address_line,
        ):
            return None
        return _elsewhere(
            at_hand,
            "residence_not_institutions",
            f"Trẻ do {institution.name} nuôi dưỡng được đăng ký thường trú tại địa chỉ của cơ sở "
            f"({institution.address_line})",
        )
    if body.caretaker_personal_id is None or any(p.status == "alive" for p in parents):
        return None
    caretaker = _registered(at_hand.session, "caretaker", body.caretaker_personal_id)
    if isinstance(caretaker, Rejected):
        return caretaker
    if caretaker.status != "alive":
        return Rejected(
            "caretaker_deceased",
            "Người giám hộ đã được ghi nhận là đã chết trong Cơ sở dữ liệu quốc gia về dân cư.",
        )
    if same_address(
        residence.commune_code,
        residence.address_line,
        caretaker.commune_code or "",
        caretaker.address_line or "",
    ):
        return None
    return _elsewhere(
        at_hand,
        "residence_not_caretakers",
        "Trẻ không có cha, mẹ còn sống được đăng ký thường trú tại nơi thường trú của người "
        "giám hộ đang nuôi dưỡng trẻ",
    )


def decide_registration(at_hand: CaseAtHand, body: ResidenceRegistrationIn) -> Decision:
    session = at_hand.session
    commune = body.residence.commune_code
    # Any official commune: the population registry is national, and a family may live where
    # none of the dataset's people do.
    if province_of(commune) is None:
        return Rejected("commune_unknown", commune_unknown_text(commune))
    parents = _parents(session, body)
    if isinstance(parents, Rejected):
        return parents
    household_problem = _check_household(at_hand, body, parents)
    if household_problem is not None:
        return household_problem
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
