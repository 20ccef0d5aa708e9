"""Social security's rules for a child's free health-insurance card."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from sandbox.casebook.clock import today_in_viet_nam
from sandbox.casebook.decisions import Approved, CaseAtHand, Decision, Rejected
from sandbox.places import commune_unknown_text, province_of
from sandbox.social_security.records import insured_person, new_social_insurance_number
from sandbox.social_security.requests import HealthInsuranceCardIn
from sandbox.social_security.tables import HealthInsuranceCard
from schemas.ages import CHILD_CARD_MONTHS, anniversary, is_under_months

CHILD_BENEFICIARY_GROUP = "TE"  # trẻ em: children under 6, fully state-funded
CHILD_BENEFIT_LEVEL = 1  # 100% of treatment costs


def free_card_valid_to(date_of_birth: date, today: date) -> date | None:
    """The last day of a child's free card issued `today` (Viet Nam's date): the day the child
    is 72 months old, by the age rule the portal's intake applies too. None for a child already
    72 months old, or not yet born."""
    if not is_under_months(date_of_birth, today, CHILD_CARD_MONTHS):
        return None
    return anniversary(date_of_birth, CHILD_CARD_MONTHS)


def decide_card(at_hand: CaseAtHand, body: HealthInsuranceCardIn) -> Decision:
    session = at_hand.session
    province = province_of(body.residence_commune_code)
    if province is None:
        return Rejected("commune_unknown", commune_unknown_text(body.residence_commune_code))
    today = today_in_viet_nam()
    turns_72_months = free_card_valid_to(body.date_of_birth, today)
    if turns_72_months is None:
        return Rejected(
            "not_under_6", "Thẻ bảo hiểm y tế miễn phí chỉ cấp cho trẻ dưới 72 tháng tuổi."
        )
    existing = session.exec(
        select(HealthInsuranceCard).where(HealthInsuranceCard.personal_id == body.personal_id)
    ).first()
    if existing is not None:
        return Rejected(
            "card_already_issued",
            f"Trẻ này đã có thẻ bảo hiểm y tế {existing.card_code}.",
        )
    insured = insured_person(session, body.personal_id)
    number = (
        insured.social_insurance_number
        if insured
        else new_social_insurance_number(session, province)
    )
    card_code = f"{CHILD_BENEFICIARY_GROUP}{CHILD_BENEFIT_LEVEL}{province}{number}"
    session.add(
        HealthInsuranceCard(
            card_code=card_code,
            social_insurance_number=number,
            personal_id=body.personal_id,
            valid_from=body.date_of_birth,
            valid_to=turns_72_months,
            issued_on=today,
        )
    )
    return Approved(
        {
            "social_insurance_number": number,
            "card_code": card_code,
            "benefit_level": CHILD_BENEFIT_LEVEL,
            "valid_from": body.date_of_birth.isoformat(),
            "valid_to": turns_72_months.isoformat(),
        }
    )
