"""Social security's decisions on the benefits due on a death: the amounts come from
`sandbox.benefit_rules`; here they are checked against what was already settled, recorded, and
reported in the case's record."""

from __future__ import annotations

from sqlmodel import Session, select

from legal_deadlines.working_calendar import VIET_NAM_TIME
from sandbox import benefit_rules
from sandbox.casebook.clock import now_utc
from sandbox.casebook.decisions import Approved, CaseAtHand, Decision, Rejected
from sandbox.social_security.records import insured_person
from sandbox.social_security.requests import FuneralAllowanceIn, PaymentIn, SurvivorBenefitIn
from sandbox.social_security.tables import BenefitSettlement

# The agency writes in Vietnamese; its reason codes stay in English.
_BENEFIT_VI = {"funeral_allowance": "Trợ cấp mai táng", "survivor_benefit": "Trợ cấp tuất"}


def _already_settled(session: Session, benefit: str, personal_id: str) -> Rejected | None:
    earlier = session.exec(
        select(BenefitSettlement).where(
            BenefitSettlement.benefit == benefit,
            BenefitSettlement.deceased_personal_id == personal_id,
        )
    ).first()
    if earlier is None:
        return None
    return Rejected(
        "already_settled",
        f"{_BENEFIT_VI.get(benefit, benefit)} của người này đã được giải quyết trong hồ sơ "
        f"{earlier.case_number}.",
    )


def outcome_record(outcome: benefit_rules.BenefitOutcome) -> dict[str, object]:
    """The agency's record of a benefit decision: what the declaration's step result reads."""
    return {
        "covered": outcome.covered,
        "rule": outcome.rule,
        # Language-free: the family reads it in the language they ask for.
        "explanation": outcome.explanation.model_dump(mode="json"),
        "figures": outcome.figures,
    }


def _settle(
    session: Session,
    benefit: str,
    personal_id: str,
    case_number: str,
    outcome: benefit_rules.BenefitOutcome,
    record: dict[str, object],
) -> Decision:
    if not outcome.covered:
        return Rejected(outcome.refusal or "not_covered", outcome.explanation.text(), record=record)
    session.add(
        BenefitSettlement(
            benefit=benefit,
            deceased_personal_id=personal_id,
            case_number=case_number,
            amount_vnd=outcome.amount_vnd,
            settled_on=now_utc().date(),
        )
    )
    return Approved(record)


def _check_payment(payment: PaymentIn) -> Rejected | None:
    if payment.method == "bank" and payment.bank_account is None:
        return Rejected("payment_incomplete", "Nhận qua ngân hàng cần có số tài khoản.")
    return None


def decide_funeral(at_hand: CaseAtHand, body: FuneralAllowanceIn) -> Decision:
    session = at_hand.session
    problem = _check_payment(body.payment) or _already_settled(
        session, "funeral_allowance", body.deceased_personal_id
    )
    if problem is not None:
        return problem
    outcome = benefit_rules.funeral_allowance(
        insured_person(session, body.deceased_personal_id), body.date_of_death
    )
    record = {**outcome_record(outcome), "amount_vnd": outcome.amount_vnd}
    return _settle(
        session,
        "funeral_allowance",
        body.deceased_personal_id,
        at_hand.case_number,
        outcome,
        record,
    )


def survivor_record(outcome: benefit_rules.SurvivorOutcome) -> dict[str, object]:
    """The survivor benefit's own part of the record: its form and amounts, the monthly
    benefit's first month and arrears, and each relative paid or not paid."""
    return {
        "form": outcome.form,
        "lump_sum_vnd": outcome.amount_vnd if outcome.form == "lump_sum" else None,
        "monthly_amount_vnd": outcome.monthly_amount_vnd,
        "first_month": outcome.first_month,
        "arrears": [
            {
                "from": p.first_month,
                "to": p.last_month,
                "monthly_amount_vnd": p.monthly_amount_vnd,
                "months": p.months,
                "amount_vnd": p.amount_vnd,
            }
            for p in outcome.arrears
        ],
        "paid": [
            {
                "personal_id": s.personal_id,
                "full_name": s.full_name,
                "relationship": s.relationship,
                "share_percent_of_reference": s.percent,
                "monthly_amount_vnd": s.amount_vnd,
            }
            for s in outcome.shares
        ],
        "not_paid": [
            {
                "personal_id": u.personal_id,
                "full_name": u.full_name,
                "relationship": u.relationship,
                "share_percent_of_reference": u.percent,
                "reason_code": u.reason_code,
                "reason": u.reason.model_dump(mode="json"),
            }
            for u in outcome.not_paid
        ],
    }


def decide_survivor(at_hand: CaseAtHand, body: SurvivorBenefitIn) -> Decision:
    session = at_hand.session
    problem = _check_payment(body.payment) or _already_settled(
        session, "survivor_benefit", body.deceased_personal_id
    )
    if problem is not None:
        return problem
    relatives = [
        benefit_rules.Relative(
            personal_id=b.personal_id,
            relationship=b.relationship,
            date_of_birth=b.date_of_birth,
            without_caretaker=b.without_caretaker,
            full_name=b.full_name,
            working_capacity_reduction_percent=b.working_capacity_reduction_percent,
            income_below_reference_level=b.income_below_reference_level,
        )
        for b in body.beneficiaries
    ]
    outcome = benefit_rules.survivor_benefit(
        insured_person(session, body.deceased_personal_id),
        body.date_of_death,
        body.form,
        relatives,
        # The day of the decision, on the agency's calendar: the amounts are stated as of it.
        today=now_utc().astimezone(VIET_NAM_TIME).date(),
        cause_category=body.cause_category,
    )
    record: dict[str, object] = {**outcome_record(outcome), "form": body.form}
    if isinstance(outcome, benefit_rules.SurvivorOutcome):
        record.update(survivor_record(outcome))
    return _settle(
        session,
        "survivor_benefit",
        body.deceased_personal_id,
        at_hand.case_number,
        outcome,
        record,
    )
