"""Each agency's record of a completed step, as the declaration's status reports it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from messages import Message


class BirthRegistrationResult(BaseModel):
    kind: Literal["birth_registration"] = "birth_registration"
    civil_status_record_number: str
    child_personal_id: str
    registered_on: date


class ResidenceRegistrationResult(BaseModel):
    kind: Literal["residence_registration"] = "residence_registration"
    residence_registration_number: str
    commune_code: str
    registered_on: date


class HealthInsuranceCardResult(BaseModel):
    kind: Literal["health_insurance_card"] = "health_insurance_card"
    social_insurance_number: str
    card_code: str
    benefit_level: int
    valid_from: date
    valid_to: date


class DeathRegistrationResult(BaseModel):
    kind: Literal["death_registration"] = "death_registration"
    death_record_number: str
    registered_on: date
    late_registration: bool


class ResidenceRemovalResult(BaseModel):
    kind: Literal["residence_removal"] = "residence_removal"
    residence_removal_number: str
    commune_code: str
    removed_on: date


Figure = int | float | str


class BenefitDecision(BaseModel):
    """A benefit computed by social security from its own records, with the rule it applied
    and every figure it used, so the family can check the arithmetic."""

    covered: bool
    rule: str
    # Language-free, so the family can read it in Vietnamese or English.
    explanation: Message
    figures: dict[str, Figure] = Field(default_factory=dict)


class FuneralAllowanceResult(BenefitDecision):
    kind: Literal["funeral_allowance"] = "funeral_allowance"
    amount_vnd: int


class BeneficiaryShare(BaseModel):
    personal_id: str
    full_name: str = ""
    relationship: str
    share_percent_of_reference: int
    monthly_amount_vnd: int


class BeneficiaryNotPaid(BaseModel):
    """An entitled relative the monthly benefit does not pay: at most four are paid."""

    personal_id: str
    full_name: str = ""
    relationship: str
    share_percent_of_reference: int
    reason: Message


class SurvivorBenefitResult(BenefitDecision):
    kind: Literal["survivor_benefit"] = "survivor_benefit"
    form: Literal["lump_sum", "monthly"]
    lump_sum_vnd: int | None = None
    monthly_amount_vnd: int | None = None
    beneficiaries: list[BeneficiaryShare] = Field(default_factory=list)
    beneficiaries_not_paid: list[BeneficiaryNotPaid] = Field(default_factory=list)


StepResult = Annotated[
    BirthRegistrationResult
    | ResidenceRegistrationResult
    | HealthInsuranceCardResult
    | DeathRegistrationResult
    | ResidenceRemovalResult
    | FuneralAllowanceResult
    | SurvivorBenefitResult,
    Field(discriminator="kind"),
]

_STEP_RESULT: TypeAdapter[StepResult] = TypeAdapter(StepResult)


def step_result(procedure: str, record: dict[str, object] | None) -> StepResult | None:
    """An agency's record of a step as the product's typed result, when it is one."""
    if record is None:
        return None
    try:
        return _STEP_RESULT.validate_python({**record, "kind": procedure})
    except ValidationError:
        return None


class AgencyDecision(BaseModel):
    """An agency's answer to one step: its case number and, once decided, its record."""

    case_number: str
    result: StepResult
