"""The death declaration, exactly as the portal contract names its fields."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from schemas.common import (
    AttachmentRef,
    AttachmentUpload,
    Contact,
    Delivery,
    Place,
    Procedure,
    StrictModel,
)
from schemas.identifiers import DocumentNumber, PersonalId, Sex
from schemas.names import FullName
from schemas.text import TEXT_CHECK, ShortText

DeathDeclarantRelationship = Literal["spouse", "child", "parent", "sibling", "relative", "other"]
CLOSE_RELATIVES: frozenset[str] = frozenset({"spouse", "child", "parent", "sibling"})

CauseCategory = Literal[
    "illness", "occupational_accident", "occupational_disease", "other_accident"
]
OCCUPATIONAL_CAUSES: frozenset[str] = frozenset({"occupational_accident", "occupational_disease"})

DeathProcedure = Literal[
    "death_registration", "residence_removal", "funeral_allowance", "survivor_benefit"
]
MANDATORY_DEATH_PROCEDURES: tuple[Procedure, ...] = (
    Procedure.DEATH_REGISTRATION,
    Procedure.RESIDENCE_REMOVAL,
)


class DeathDeclarant(Contact):
    personal_id: PersonalId = Field(
        description="The declarant's personal identification number, 12 digits.",
        examples=["001190012345"],
    )
    full_name: FullName = Field(
        description="As on the declarant's identity card.", examples=["Lê Văn Hùng"]
    )
    relationship: DeathDeclarantRelationship = Field(
        description="The declarant's relationship to the deceased.", examples=["child"]
    )


class Deceased(StrictModel):
    personal_id: PersonalId = Field(
        description="The deceased's personal identification number, 12 digits.",
        examples=["001050004321"],
    )
    full_name: FullName = Field(examples=["Lê Văn Bình"])
    sex: Sex = Field(examples=["male"])
    date_of_birth: date = Field(examples=["1950-07-01"])
    date_of_death: date = Field(examples=["2026-11-18"])
    place_of_death: Place
    cause_of_death: ShortText = Field(
        description="As the death notice states it.", examples=["Suy tim"]
    )
    # An occupational cause makes the monthly survivor benefit due (VSS checks it against its
    # records) and needs the accident or disease record attached.
    cause_category: CauseCategory = Field(
        default="illness",
        description="An occupational accident or disease needs its record attached.",
        examples=["illness"],
    )


BeneficiaryRelationship = Literal["spouse", "child", "parent", "parent_in_law", "dependant"]


class Beneficiary(StrictModel):
    personal_id: PersonalId
    full_name: FullName
    relationship: BeneficiaryRelationship = Field(
        description="The relative's relationship to the deceased: `dependant` is another family "
        "member the deceased had to support.",
        examples=["child"],
    )
    date_of_birth: date
    # A relative with no one directly caring for them gets 70% instead of 50% (monthly form).
    without_caretaker: bool = False
    working_capacity_reduction_percent: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description="How far the relative's working capacity is reduced, as the medical "
        "assessment council's record states it; the record is attached as a "
        "`working_capacity_assessment` naming this relative. 81 or more entitles a child of any "
        "age, or a younger spouse or parent, to the monthly benefit.",
        examples=[85],
    )
    income_below_reference_level: bool = Field(
        default=True,
        description="As the relative declares: no income, or a monthly income below the base "
        "salary. A relative aged 18 or over is entitled to the monthly benefit only then.",
        examples=[True],
    )


class SurvivorBenefitChoice(StrictModel):
    form: Literal["lump_sum", "monthly"] = Field(
        description="A single payment, or a monthly allowance to each beneficiary entitled to it.",
        examples=["lump_sum"],
    )
    beneficiaries: list[Beneficiary] = Field(
        min_length=1, max_length=10, description="The relatives the benefit is claimed for."
    )


class BankAccount(StrictModel):
    bank_code: Annotated[str, TEXT_CHECK, StringConstraints(pattern=r"^[A-Z0-9]{3,11}$")]
    account_number: Annotated[str, TEXT_CHECK, StringConstraints(pattern=r"^[0-9]{6,20}$")]
    account_holder: FullName


class Payment(StrictModel):
    method: Literal["bank", "post", "cash"] = Field(
        description="How social security pays the benefits.", examples=["bank"]
    )
    bank_account: BankAccount | None = Field(default=None, description="Required for `bank`.")


class DeathDeclarationFields(StrictModel):
    declarant: DeathDeclarant = Field(description="Who files the declaration.")
    deceased: Deceased
    death_notice_number: DocumentNumber | None = Field(
        default=None,
        description="The number on the death notice (from the hospital, or the commune).",
        examples=["GBT-2026-000567"],
    )
    procedures: list[DeathProcedure] = Field(
        min_length=2,
        max_length=4,
        description="Always `death_registration` and `residence_removal`; `funeral_allowance` "
        "and `survivor_benefit` as the family chooses.",
        examples=[["death_registration", "residence_removal", "funeral_allowance"]],
    )
    survivor_benefit: SurvivorBenefitChoice | None = Field(
        default=None, description="Required exactly when `survivor_benefit` is chosen."
    )
    payment: Payment | None = Field(
        default=None,
        description="Required exactly when the funeral allowance or the survivor benefit is "
        "chosen.",
    )
    delivery: Delivery = Field(description="How the family receives the results.")


class DeathDeclarationSubmission(DeathDeclarationFields):
    """What the portal posts."""

    attachments: list[AttachmentUpload] = Field(
        description="The documents the declaration rests on, with their content."
    )


class DeathDeclaration(DeathDeclarationFields):
    """What the workflow carries: the same declaration, attachments by reference."""

    attachments: list[AttachmentRef]
