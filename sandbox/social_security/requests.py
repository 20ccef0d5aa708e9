"""The card and benefit claims social security accepts."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


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
    relationship: Literal["spouse", "child", "parent", "parent_in_law", "dependant"]
    date_of_birth: date
    without_caretaker: bool = False
    # As the medical assessment council's record attached to the declaration states it.
    working_capacity_reduction_percent: int | None = Field(default=None, ge=0, le=100)
    # As the relative declares.
    income_below_reference_level: bool = True


CauseCategory = Literal[
    "illness", "occupational_accident", "occupational_disease", "other_accident"
]


class SurvivorBenefitIn(BaseModel):
    declaration_id: str
    supersedes_case_number: str | None = None
    deceased_personal_id: str
    date_of_death: date
    death_record_number: str
    form: Literal["lump_sum", "monthly"]
    beneficiaries: list[BeneficiaryIn]
    payment: PaymentIn
    # As declared; an occupational cause is checked against VSS's own accident records.
    cause_category: CauseCategory = "illness"
