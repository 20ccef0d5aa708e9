"""The justice office's rules for registering a death."""

from __future__ import annotations

from sandbox.casebook.clock import today_in_viet_nam
from sandbox.casebook.decisions import Approved, CaseAtHand, Decision, Rejected
from sandbox.casebook.numbering import register_number
from sandbox.justice.registers import death_record_of
from sandbox.justice.requests import DeathRegistrationIn
from sandbox.justice.tables import DeathRecord, KnownPersonalId
from sandbox.places import commune_unknown_text, province_of


def decide_death(at_hand: CaseAtHand, body: DeathRegistrationIn) -> Decision:
    session = at_hand.session
    commune = body.place_of_death.commune_code
    if province_of(commune) is None:
        return Rejected("commune_unknown", commune_unknown_text(commune))
    if body.date_of_death <= body.deceased_date_of_birth:
        return Rejected("dates_inconsistent", "Ngày chết không sau ngày sinh.")
    if session.get(KnownPersonalId, body.deceased_personal_id) is None:
        return Rejected(
            "person_unknown",
            "Số định danh cá nhân của người chết không có trong Cơ sở dữ liệu quốc gia về dân cư.",
        )
    earlier = death_record_of(session, body.deceased_personal_id)
    if earlier is not None:
        return Rejected(
            "death_already_registered",
            "Người này đã được đăng ký khai tử theo trích lục "
            f"{earlier.death_record_number}; không thể khai tử hai lần.",
        )
    declarant_death = death_record_of(session, body.declarant_personal_id)
    if declarant_death is not None:
        return Rejected(
            "declarant_deceased",
            "Người đi khai đã được ghi nhận là đã chết nên không thể khai.",
        )
    today = today_in_viet_nam()
    record_number = register_number(session, "KT", "death", commune, today)
    session.add(
        DeathRecord(
            death_record_number=record_number,
            personal_id=body.deceased_personal_id,
            date_of_death=body.date_of_death,
            commune_code=commune,
            registered_on=today,
            late_registration=body.late_registration,
        )
    )
    return Approved(
        {
            "death_record_number": record_number,
            "registered_on": today.isoformat(),
            "late_registration": body.late_registration,
        }
    )
