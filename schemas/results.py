"""Each agency's record of a completed step, as the declaration's status reports it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    computed_field,
    model_validator,
)

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
    """A relative the monthly benefit pays, and their monthly amount at today's base salary."""

    personal_id: str
    full_name: str = ""
    relationship: str = Field(
        description="spouse, child, parent, parent_in_law or dependant.", examples=["child"]
    )
    share_percent_of_reference: int = Field(
        description="Their share of the base salary: 50, or 70 with no direct caretaker.",
        examples=[50],
    )
    monthly_amount_vnd: int = Field(examples=[1_170_000])


class BeneficiaryNotPaid(BaseModel):
    """A relative listed for the monthly benefit and not paid: not entitled, or entitled but
    one of more than four (then with the share they would have had)."""

    personal_id: str
    full_name: str = ""
    relationship: str
    share_percent_of_reference: int | None = None
    # A record without a code names a relative left out of more than four entitled: the one
    # reason such records give.
    reason_code: str = Field(
        default="more_than_four_entitled",
        description="Why they are not paid, as a stable code: `adult_child_able_to_work`, "
        "`under_retirement_age_able_to_work`, `income_not_below_reference_level` or "
        "`more_than_four_entitled`.",
        examples=["under_retirement_age_able_to_work"],
    )
    reason: Message = Field(description="Why they are not paid, in the caller's language.")


YearMonth = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]


class ArrearsPeriod(BaseModel):
    """Months of the monthly benefit already due when it was decided, at one base salary."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    first_month: YearMonth = Field(alias="from", description="The first month, included.")
    last_month: YearMonth = Field(alias="to", description="The last month, included.")
    monthly_amount_vnd: int = Field(description="The monthly amount at that base salary.")
    months: int = Field(ge=1)
    amount_vnd: int = Field(description="`months` × `monthly_amount_vnd`.")


class SurvivorBenefitResult(BenefitDecision):
    kind: Literal["survivor_benefit"] = "survivor_benefit"
    form: Literal["lump_sum", "monthly"]
    lump_sum_vnd: int | None = None
    monthly_amount_vnd: int | None = Field(
        default=None,
        description="The monthly benefit in all, at the base salary in force on the day of the "
        "decision (or in the first month, when that is still to come).",
        examples=[2_808_000],
    )
    first_month: YearMonth | None = Field(
        default=None,
        description="The first month of the monthly benefit: the month after the death.",
        examples=["2024-07"],
    )
    arrears: list[ArrearsPeriod] = Field(
        default_factory=list,
        description="The months already due before the month of the decision, one entry for "
        "each base salary in force over them; empty when none is due yet.",
    )
    paid: list[BeneficiaryShare] = Field(
        default_factory=list,
        description="The relatives the monthly benefit pays: at most four, the highest rates "
        "first.",
    )
    not_paid: list[BeneficiaryNotPaid] = Field(
        default_factory=list,
        description="Every other relative listed, with why they are not paid.",
    )

    @model_validator(mode="before")
    @classmethod
    def _v1_names(cls, data: Any) -> Any:
        """A record may name the relatives as v1 did: `beneficiaries` and
        `beneficiaries_not_paid`."""
        if isinstance(data, dict):
            data = dict(data)
            for name, v1_name in (
                ("paid", "beneficiaries"),
                ("not_paid", "beneficiaries_not_paid"),
            ):
                if name not in data and v1_name in data:
                    data[name] = data[v1_name]
        return data

    @computed_field(description="The same as `paid` (the name v1 gave it).")  # type: ignore[prop-decorator]
    @property
    def beneficiaries(self) -> list[BeneficiaryShare]:
        return self.paid

    @computed_field(description="The same as `not_paid` (the name v1 gave it).")  # type: ignore[prop-decorator]
    @property
    def beneficiaries_not_paid(self) -> list[BeneficiaryNotPaid]:
        return self.not_paid


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
