"""Viet Nam Social Security's system: health-insurance cards for children under 6, and the
funeral allowance and survivor benefit on a death, computed from its own records."""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, Response
from pydantic import BaseModel
from sqlalchemy import insert
from sqlmodel import Field as SQLField
from sqlmodel import Session, SQLModel, select

from sandbox import benefit_rules
from sandbox.casebook import (
    AgencyBook,
    AgencyCredentials,
    Approved,
    CaseView,
    DecideFn,
    Decision,
    DecisionPolicy,
    IdempotencyKey,
    ProcedureDesk,
    Rejected,
    agency_app,
    now_utc,
    open_agency_database,
)
from sandbox.dataset import Dataset, InsuredEntry
from schemas.identifiers import add_months

CHILD_BENEFICIARY_GROUP = "TE"  # trẻ em: children under 6, fully state-funded
CHILD_BENEFIT_LEVEL = 1  # 100% of treatment costs
CHILD_CARD_MONTHS = 72


class InsuredRecord(SQLModel, table=True):
    __tablename__ = "vss_insured"

    social_insurance_number: str = SQLField(primary_key=True, max_length=10)
    personal_id: str = SQLField(max_length=12, unique=True)
    status: str = SQLField(max_length=12)
    contribution_years: float
    contribution_years_before_2014: float
    average_monthly_salary_vnd: int
    monthly_pension_vnd: int | None = None
    pension_start_date: date | None = None


class HealthInsuranceCard(SQLModel, table=True):
    __tablename__ = "vss_health_insurance_cards"

    card_code: str = SQLField(primary_key=True, max_length=15)
    social_insurance_number: str = SQLField(max_length=10, unique=True)
    personal_id: str = SQLField(max_length=12, unique=True)
    valid_from: date
    valid_to: date
    issued_on: date


class BenefitSettlement(SQLModel, table=True):
    __tablename__ = "vss_benefit_settlements"

    id: int | None = SQLField(default=None, primary_key=True)
    benefit: str = SQLField(max_length=20)
    deceased_personal_id: str = SQLField(max_length=12, index=True)
    case_number: str = SQLField(max_length=40)
    amount_vnd: int
    settled_on: date


class HealthInsuranceCardIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    personal_id: str
    full_name: str
    sex: Literal["male", "female"]
    date_of_birth: date
    residence_commune_code: str
    civil_status_record_number: str


class BankAccountIn(BaseModel):
    bank_code: str
    account_number: str
    account_holder: str


class PaymentIn(BaseModel):
    method: Literal["bank", "post", "cash"]
    bank_account: BankAccountIn | None = None


class FuneralAllowanceIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    deceased_personal_id: str
    date_of_death: date
    death_record_number: str
    claimant_personal_id: str
    payment: PaymentIn


class BeneficiaryIn(BaseModel):
    personal_id: str
    full_name: str
    relationship: Literal["spouse", "child", "parent"]
    date_of_birth: date
    without_caretaker: bool = False


class SurvivorBenefitIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    deceased_personal_id: str
    date_of_death: date
    death_record_number: str
    form: Literal["lump_sum", "monthly"]
    beneficiaries: list[BeneficiaryIn]
    payment: PaymentIn


def _load(session: Session, dataset: Dataset) -> None:
    session.execute(
        insert(InsuredRecord).prefix_with("OR IGNORE"),
        [i.model_dump() for i in dataset.insured],
    )


def _insured(session: Session, personal_id: str) -> InsuredEntry | None:
    row = session.exec(
        select(InsuredRecord).where(InsuredRecord.personal_id == personal_id)
    ).first()
    return None if row is None else InsuredEntry.model_validate(row, from_attributes=True)


def _new_social_insurance_number(session: Session, province_code: str) -> str:
    while True:
        candidate = f"{province_code}{secrets.randbelow(100_000_000):08d}"
        taken = (
            session.get(InsuredRecord, candidate)
            or session.exec(
                select(HealthInsuranceCard).where(
                    HealthInsuranceCard.social_insurance_number == candidate
                )
            ).first()
        )
        if taken is None:
            return candidate


def decide_card(book: AgencyBook, body: HealthInsuranceCardIn) -> DecideFn:
    def decide(session: Session, case_number: str, may_request_supplement: bool) -> Decision:
        province = book.dataset.commune_province.get(body.residence_commune_code)
        if province is None:
            return Rejected(
                "commune_unknown", f"Commune {body.residence_commune_code} does not exist."
            )
        today = now_utc().date()
        turns_72_months = add_months(body.date_of_birth, CHILD_CARD_MONTHS)
        if today >= turns_72_months or body.date_of_birth > today:
            return Rejected(
                "not_under_6", "The free health-insurance card is for children under 72 months old."
            )
        existing = session.exec(
            select(HealthInsuranceCard).where(HealthInsuranceCard.personal_id == body.personal_id)
        ).first()
        if existing is not None:
            return Rejected(
                "card_already_issued",
                f"This child already holds health-insurance card {existing.card_code}.",
            )
        si_number = _insured(session, body.personal_id)
        number = (
            si_number.social_insurance_number
            if si_number
            else _new_social_insurance_number(session, province)
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

    return decide


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
        f"The {benefit.replace('_', ' ')} for this person was already settled in case "
        f"{earlier.case_number}.",
    )


def _outcome_record(outcome: benefit_rules.BenefitOutcome) -> dict[str, object]:
    return {
        "covered": outcome.covered,
        "rule": outcome.rule,
        "explanation": outcome.explanation,
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
        return Rejected("not_covered", outcome.explanation, record=record)
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
        return Rejected("payment_incomplete", "Payment by bank needs a bank account.")
    return None


def decide_funeral(body: FuneralAllowanceIn) -> DecideFn:
    def decide(session: Session, case_number: str, may_request_supplement: bool) -> Decision:
        problem = _check_payment(body.payment) or _already_settled(
            session, "funeral_allowance", body.deceased_personal_id
        )
        if problem is not None:
            return problem
        try:
            outcome = benefit_rules.funeral_allowance(
                _insured(session, body.deceased_personal_id), body.date_of_death
            )
        except benefit_rules.NoReferenceLevel as error:
            return Rejected("no_reference_level", str(error))
        record = {**_outcome_record(outcome), "amount_vnd": outcome.amount_vnd}
        return _settle(
            session, "funeral_allowance", body.deceased_personal_id, case_number, outcome, record
        )

    return decide


def decide_survivor(body: SurvivorBenefitIn) -> DecideFn:
    def decide(session: Session, case_number: str, may_request_supplement: bool) -> Decision:
        problem = _check_payment(body.payment) or _already_settled(
            session, "survivor_benefit", body.deceased_personal_id
        )
        if problem is not None:
            return problem
        relatives = [
            benefit_rules.Relative(b.personal_id, b.relationship, b.without_caretaker)
            for b in body.beneficiaries
        ]
        try:
            outcome = benefit_rules.survivor_benefit(
                _insured(session, body.deceased_personal_id),
                body.date_of_death,
                body.form,
                relatives,
            )
        except benefit_rules.NoReferenceLevel as error:
            return Rejected("no_reference_level", str(error))
        record: dict[str, object] = {**_outcome_record(outcome), "form": body.form}
        if isinstance(outcome, benefit_rules.SurvivorOutcome):
            record["form"] = outcome.form
            record["lump_sum_vnd"] = outcome.amount_vnd if outcome.form == "lump_sum" else None
            record["monthly_amount_vnd"] = outcome.monthly_amount_vnd
            record["beneficiaries"] = [
                {
                    "personal_id": s.personal_id,
                    "relationship": s.relationship,
                    "share_percent_of_reference": s.percent,
                    "monthly_amount_vnd": s.amount_vnd,
                }
                for s in outcome.shares
            ]
        return _settle(
            session, "survivor_benefit", body.deceased_personal_id, case_number, outcome, record
        )

    return decide


def create_app(
    state_dir: Path,
    data_dir: Path,
    credentials: AgencyCredentials,
    policy: DecisionPolicy | None = None,
) -> FastAPI:
    book = open_agency_database(
        "social_security",
        state_dir,
        data_dir,
        (InsuredRecord, HealthInsuranceCard, BenefitSettlement),
        _load,
        credentials,
        policy,
    )
    book.add_desk(
        ProcedureDesk(
            "health_insurance_card",
            "SC",
            HealthInsuranceCardIn,
            lambda body: decide_card(book, body),
            lambda body: body.personal_id,
        )
    )
    book.add_desk(
        ProcedureDesk(
            "funeral_allowance",
            "SF",
            FuneralAllowanceIn,
            decide_funeral,
            lambda body: body.deceased_personal_id,
        )
    )
    book.add_desk(
        ProcedureDesk(
            "survivor_benefit",
            "SS",
            SurvivorBenefitIn,
            decide_survivor,
            lambda body: body.deceased_personal_id,
        )
    )
    app = agency_app("Sandbox social security (VSS)", book)

    @app.post("/v1/health-insurance-cards", response_model=CaseView, status_code=201)
    async def issue_card(
        body: HealthInsuranceCardIn, response: Response, idempotency_key: str = IdempotencyKey
    ) -> CaseView:
        return await book.submit("health_insurance_card", body, idempotency_key, response)

    @app.post("/v1/funeral-allowances", response_model=CaseView, status_code=201)
    async def claim_funeral_allowance(
        body: FuneralAllowanceIn, response: Response, idempotency_key: str = IdempotencyKey
    ) -> CaseView:
        return await book.submit("funeral_allowance", body, idempotency_key, response)

    @app.post("/v1/survivor-benefits", response_model=CaseView, status_code=201)
    async def claim_survivor_benefit(
        body: SurvivorBenefitIn, response: Response, idempotency_key: str = IdempotencyKey
    ) -> CaseView:
        return await book.submit("survivor_benefit", body, idempotency_key, response)

    return app
